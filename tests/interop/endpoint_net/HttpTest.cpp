// Issue 5 a/b and the examples: HTTP over Yggdrasil between a real node
// (kernel TCP on its TUN) and our node (Poco over our userspace stack).
#include "InProcessNode.hpp"
#include "RealAndOurs.hpp"
#include "Streams.hpp"
#include "Trace.hpp"
#include "Wait.hpp"

#include <ratatoskr/poco/ServerSocket.hpp>
#include <ratatoskr/poco/net.hpp>

#include <Poco/DigestEngine.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/SHA2Engine.h>

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>

using namespace rtk::interop;

namespace {

constexpr std::size_t kFileBytes = 10 * 1000 * 1000;
constexpr int kConcurrentCurls = 200;

class HelloHandler : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    const std::string body = "hello " + request.clientAddress().host().toString() + "\n";
    response.setContentType("text/plain");
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.send() << body;
  }
};

class HelloFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new HelloHandler;
  }
};

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

class HttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HttpTest);
  CPPUNIT_TEST(pocoClientThroughOurDialFetchesTenMegabytesFromRealTun);
  CPPUNIT_TEST(curlFromRealNodeReachesOurPocoServer);
  CPPUNIT_TEST(examplesWorkAgainstTheRealNode);
  CPPUNIT_TEST_SUITE_END();

 public:
  // a. A python http.server bound to the real node's TUN address serves a
  // 10 MB file; Poco's HTTPClientSession fetches it through our dial.
  void pocoClientThroughOurDialFetchesTenMegabytesFromRealTun() {
    Lab lab("ep-http-get");
    RealAndOurs pair(lab);
    const auto www = lab.dir() / "www";
    std::filesystem::create_directories(www);
    std::string data(kFileBytes, '\0');
    std::mt19937_64 rng(4242);
    for (auto& c : data) c = static_cast<char>(rng());
    std::ofstream(www / "file.bin", std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
    const std::string expected = sha256Hex(data.data(), data.size());

    Subprocess server = pair.realNs().spawn(
        {"python3", "-m", "http.server", "8000", "--bind", pair.real().address(), "--directory", www.string()},
        (lab.dir() / "http-server.log").string());
    waitUntil("http.server listening", 15000, [&] {
      return pair.realNs().run({"curl", "-g", "-s", "-o", "/dev/null", "http://[" + pair.real().address() + "]:8000/"}, 3000).ok();
    });

    auto dialer = rtk::poco::dialerFor(pair.ours().node());
    auto session = rtk::poco::httpClientSession(dialer, "[" + pair.real().address() + "]:8000");
    session->setTimeout(Poco::Timespan(60, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/file.bin", Poco::Net::HTTPMessage::HTTP_1_1);
    const auto start = std::chrono::steady_clock::now();
    session->sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& body = session->receiveResponse(response);
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(Poco::Net::HTTPResponse::HTTP_OK), static_cast<int>(response.getStatus()));
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    std::vector<char> buf(64 * 1024);
    std::size_t total = 0;
    while (body) {
      body.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      if (body.gcount() <= 0) break;
      engine.update(buf.data(), static_cast<unsigned>(body.gcount()));
      total += static_cast<std::size_t>(body.gcount());
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    trace("http get: " + std::to_string(total) + " bytes in " + std::to_string(s) + " s");
    CPPUNIT_ASSERT_EQUAL(kFileBytes, total);
    CPPUNIT_ASSERT_EQUAL(expected, Poco::DigestEngine::digestToHex(engine.digest()));
  }

  // b. A Poco HTTPServer listening through our node answers curl from the
  // real node's namespace, once and then 200 times concurrently.
  void curlFromRealNodeReachesOurPocoServer() {
    Lab lab("ep-http-serve");
    RealAndOurs pair(lab);
    auto params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(32);
    params->setMaxQueued(1024);
    Poco::Net::HTTPServer server(new HelloFactory, rtk::poco::ServerSocket(pair.ours().node().listen("tcp", ":8080")),
                                 params);
    server.start();
    const std::string url = "http://[" + pair.ours().address() + "]:8080/";

    const RunResult one = pair.realNs().run({"curl", "-g", "-s", "-S", "--max-time", "20", url}, 30000);
    CPPUNIT_ASSERT_MESSAGE(one.describe(), one.ok());
    CPPUNIT_ASSERT_EQUAL("hello " + pair.real().address() + "\n", one.out);

    // 200 curls at once: xargs starts them all in parallel; each prints its status code.
    const std::string script = "seq " + std::to_string(kConcurrentCurls) + " | xargs -P " +
                               std::to_string(kConcurrentCurls) +
                               " -I{} curl -g -s -o /dev/null --max-time 60 -w '%{http_code}\\n' '" + url + "?n={}'";
    const auto start = std::chrono::steady_clock::now();
    const RunResult many = pair.realNs().run({"sh", "-c", script}, 120000);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::istringstream codes(many.out);
    int ok = 0, other = 0;
    std::string code;
    while (codes >> code) (code == "200" ? ok : other)++;
    trace("200 concurrent curls: " + std::to_string(ok) + " ok, " + std::to_string(other) + " other, " +
          std::to_string(s) + " s");
    CPPUNIT_ASSERT_MESSAGE(many.describe(), many.ok());
    CPPUNIT_ASSERT_EQUAL(kConcurrentCurls, ok);
    CPPUNIT_ASSERT_EQUAL(0, other);
    server.stopAll(true);
  }

  // The examples as programs in a namespace of their own, peered with the
  // real node: curl (kernel) → tiny-http, and http-client → tiny-http.
  void examplesWorkAgainstTheRealNode() {
    Lab lab("ep-examples");
    // The real node listens on every address, so a second veth reaches it too.
    RealAndOursOptions options;
    options.customizeReal = [](NodeSpec& spec) { spec.listen = {"tcp://[::]:7100"}; };
    RealAndOurs pair(lab, options);
    Netns& ex = lab.addNetns("ex");
    const VethLink& link = lab.connect(pair.realNs(), ex);
    const std::string peer = "tcp://[" + link.a().ipv6 + "]:7100";

    Subprocess server = ex.spawn({RTK_EXAMPLE_TINY_HTTP, "--peer", peer, "--port", "8080"},
                                 (lab.dir() / "tiny-http.log").string());
    std::string address;
    waitUntil("tiny-http prints its address", 20000, [&] {
      const std::string log = readFile(lab.dir() / "tiny-http.log");
      const auto at = log.find("listening on http://[");
      if (at == std::string::npos) return false;
      const auto end = log.find(']', at);
      address = log.substr(at + 21, end - at - 21);
      return true;
    });
    waitPingable(pair.realNs(), address, 30000);
    const RunResult hello = pair.realNs().run({"curl", "-g", "-s", "-S", "--max-time", "20", "http://[" + address + "]:8080/"}, 30000);
    CPPUNIT_ASSERT_MESSAGE(hello.describe(), hello.ok());
    CPPUNIT_ASSERT_EQUAL("hello from " + address + "\n", hello.out);

    // The client example, in our node's namespace, fetches 3 MB from tiny-http across the real node.
    const RunResult kernel = pair.realNs().run(
        {"sh", "-c", "curl -g -s --max-time 30 'http://[" + address + "]:8080/bytes?n=3000000' | sha256sum"}, 40000);
    CPPUNIT_ASSERT_MESSAGE(kernel.describe(), kernel.ok());
    const RunResult client = pair.ourNs().run(
        {RTK_EXAMPLE_HTTP_CLIENT, "--peer", pair.ours().spec().peers.at(0), "--sha256", "--timeout", "40",
         "http://[" + address + "]:8080/bytes?n=3000000"},
        60000);
    CPPUNIT_ASSERT_MESSAGE(client.describe(), client.ok());
    CPPUNIT_ASSERT_EQUAL(kernel.out.substr(0, 64), client.out.substr(0, 64));
    CPPUNIT_ASSERT_EQUAL(std::string("3000000"), client.out.substr(65, 7));
    server.terminate(5000);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpTest);
