// HttpEndpoint over real sockets on loopback: the path, other paths and
// methods, bind errors, and that its threads are named and gone after stop().
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "HttpEndpoint.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::plugins::metrics {

namespace {

struct Reply {
  int status = 0;
  std::string contentType, body;
};

Reply request(const std::string& bound, const std::string& method, const std::string& path) {
  Poco::Net::SocketAddress address(bound);
  Poco::Net::HTTPClientSession session(address);
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(req);
  Poco::Net::HTTPResponse resp;
  auto& in = session.receiveResponse(resp);
  Reply r;
  r.status = resp.getStatus();
  r.contentType = resp.getContentType();
  Poco::StreamCopier::copyToString(in, r.body);
  return r;
}

std::size_t threadsNamed(const std::string& name) {
  std::size_t n = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string line;
    std::getline(comm, line);
    n += line == name ? 1 : 0;
  }
  return n;
}

}  // namespace

class HttpEndpointTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HttpEndpointTest);
  CPPUNIT_TEST(servesThePathAndRefusesTheRest);
  CPPUNIT_TEST(aScrapeThatThrowsAnswers500);
  CPPUNIT_TEST(badOrBusyAddressesAreConfigAndAddressInUse);
  CPPUNIT_TEST(threadsAreNamedAndJoinedByStop);
  CPPUNIT_TEST_SUITE_END();

 public:
  void servesThePathAndRefusesTheRest() {
    std::atomic<int> scrapes{0};
    HttpEndpoint e("127.0.0.1:0", "/metrics", [&] {
      ++scrapes;
      return std::string("# HELP x h\n# TYPE x gauge\nx 1\n");
    });
    e.start();
    std::string bound = e.boundAddress();
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:"), bound.substr(0, 10));

    Reply ok = request(bound, "GET", "/metrics");
    CPPUNIT_ASSERT_EQUAL(200, ok.status);
    CPPUNIT_ASSERT_EQUAL(std::string("text/plain; version=0.0.4; charset=utf-8"), ok.contentType);
    CPPUNIT_ASSERT_EQUAL(std::string("# HELP x h\n# TYPE x gauge\nx 1\n"), ok.body);
    CPPUNIT_ASSERT_EQUAL(200, request(bound, "GET", "/metrics?name[]=x").status);  // query strings are ignored
    Reply head = request(bound, "HEAD", "/metrics");
    CPPUNIT_ASSERT_EQUAL(200, head.status);
    CPPUNIT_ASSERT_EQUAL(std::string(), head.body);
    CPPUNIT_ASSERT_EQUAL(3, scrapes.load());

    CPPUNIT_ASSERT_EQUAL(404, request(bound, "GET", "/").status);
    CPPUNIT_ASSERT_EQUAL(404, request(bound, "GET", "/metrics/x").status);
    CPPUNIT_ASSERT_EQUAL(405, request(bound, "POST", "/metrics").status);
    CPPUNIT_ASSERT_EQUAL(3, scrapes.load());  // none of those scraped
    e.stop();
  }

  void aScrapeThatThrowsAnswers500() {
    HttpEndpoint e("127.0.0.1:0", "/m", []() -> std::string { throw Error(Errc::Closed, "node closed"); });
    e.start();
    Reply r = request(e.boundAddress(), "GET", "/m");
    CPPUNIT_ASSERT_EQUAL(500, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("scrape failed: node closed\n"), r.body);
  }

  void badOrBusyAddressesAreConfigAndAddressInUse() {
    HttpEndpoint bad("not an address", "/metrics", [] { return std::string(); });
    try {
      bad.start();
      CPPUNIT_FAIL("a bad Listen started");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::Config);
      CPPUNIT_ASSERT(std::string(e.what()).find("Listen \"not an address\"") != std::string::npos);
    }
    Poco::Net::ServerSocket taken;
    taken.bind(Poco::Net::SocketAddress("127.0.0.1:0"), false, false);
    taken.listen(1);
    std::string busy = taken.address().toString();
    HttpEndpoint second(busy, "/metrics", [] { return std::string(); });
    try {
      second.start();
      CPPUNIT_FAIL("a busy Listen started");
    } catch (const Error& e) {
      CPPUNIT_ASSERT_MESSAGE(e.what(), e.code() == Errc::AddressInUse);
      CPPUNIT_ASSERT(std::string(e.what()).find(busy) != std::string::npos);
    }
  }

  void threadsAreNamedAndJoinedByStop() {
    std::size_t before = threadsNamed("rtk-metrics");
    HttpEndpoint e("127.0.0.1:0", "/metrics", [] { return std::string("x 1\n"); });
    e.start();
    CPPUNIT_ASSERT_EQUAL(200, request(e.boundAddress(), "GET", "/metrics").status);
    std::size_t running = threadsNamed("rtk-metrics");
    std::cout << "\n  rtk-metrics threads while serving: " << running - before << "\n";
    CPPUNIT_ASSERT(running > before);
    CPPUNIT_ASSERT(running - before <= 3);  // the acceptor and at most two request threads
    e.stop();
    CPPUNIT_ASSERT_EQUAL(before, threadsNamed("rtk-metrics"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpEndpointTest);

}  // namespace rtk::plugins::metrics
