#include <cppunit/extensions/HelperMacros.h>

#include "SocksTestSupport.hpp"
#include "protocol/HttpConnectHandshake.hpp"

using namespace rtk::plugins::socks;
using namespace rtk::plugins::socks::test;

namespace {

// What curl 7.88 sends with -p -x http://127.0.0.1:<port> (captured).
const std::string kCurlConnectV6 =
    "CONNECT [200:1234::1]:80 HTTP/1.1\r\nHost: [200:1234::1]:80\r\nUser-Agent: curl/7.88.1\r\n"
    "Proxy-Connection: Keep-Alive\r\n\r\n";
const std::string kCurlConnectWithUser =
    "CONNECT www.test.ygg:8080 HTTP/1.1\r\nHost: www.test.ygg:8080\r\nProxy-Authorization: Basic YWxpY2U6czNjcmV0\r\n"
    "User-Agent: curl/7.88.1\r\nProxy-Connection: Keep-Alive\r\n\r\n";

std::string statusLine(const std::string& reply) { return reply.substr(0, reply.find("\r\n")); }

}  // namespace

class HttpConnectHandshakeTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HttpConnectHandshakeTest);
  CPPUNIT_TEST(curlsConnectToAnIpv6Literal);
  CPPUNIT_TEST(headArrivingInPiecesAndEarlyData);
  CPPUNIT_TEST(basicCredentials);
  CPPUNIT_TEST(otherMethodsGet405);
  CPPUNIT_TEST(badTargetsGet400);
  CPPUNIT_TEST(oversizedHeadGets431);
  CPPUNIT_TEST(repliesByCause);
  CPPUNIT_TEST(requestLineParser);
  CPPUNIT_TEST_SUITE_END();

 public:
  void curlsConnectToAnIpv6Literal() {
    UserTable none;
    HttpConnectHandshake h(none);
    auto s = h.feed(span(kCurlConnectV6));
    CPPUNIT_ASSERT(s.kind == HandshakeStep::Kind::Ready);
    CPPUNIT_ASSERT(h.request().destination.kind == Destination::Kind::Ipv6);
    CPPUNIT_ASSERT_EQUAL(std::string("[200:1234::1]:80"), h.request().destination.describe());
    CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 200 Connection established"), statusLine(h.successReply({}, 0)));
  }

  void headArrivingInPiecesAndEarlyData() {
    UserTable none;
    HttpConnectHandshake h(none);
    const std::string all = kCurlConnectV6 + "\x16\x03\x01";  // a TLS hello right behind the head
    HandshakeStep s;
    for (char c : all) {
      s = h.feed(span(std::string(1, c)));
      if (s.kind != HandshakeStep::Kind::NeedMore) break;
    }
    CPPUNIT_ASSERT(s.kind == HandshakeStep::Kind::Ready);
    // Byte by byte the head ends before the TLS bytes arrive; fed at once they stay for the destination.
    HttpConnectHandshake whole(none);
    CPPUNIT_ASSERT(whole.feed(span(all)).kind == HandshakeStep::Kind::Ready);
    CPPUNIT_ASSERT_EQUAL(std::string("\x16\x03\x01"), whole.takeLeftover());
  }

  void basicCredentials() {
    UserTable users{{"alice", "s3cret"}};
    HttpConnectHandshake ok(users);
    CPPUNIT_ASSERT(ok.feed(span(kCurlConnectWithUser)).kind == HandshakeStep::Kind::Ready);
    CPPUNIT_ASSERT_EQUAL(std::string("user:alice"), ok.principal());
    CPPUNIT_ASSERT_EQUAL(std::string("www.test.ygg:8080"), ok.request().destination.describe());

    HttpConnectHandshake none(users);
    auto s = none.feed(span(kCurlConnectV6));
    CPPUNIT_ASSERT(s.kind == HandshakeStep::Kind::Fail);
    CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 407 Proxy Authentication Required"), statusLine(s.reply));
    CPPUNIT_ASSERT(s.reply.find("Proxy-Authenticate: Basic") != std::string::npos);

    UserTable other{{"alice", "nope"}};
    HttpConnectHandshake wrong(other);
    CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 407 Proxy Authentication Required"),
                         statusLine(wrong.feed(span(kCurlConnectWithUser)).reply));
  }

  void otherMethodsGet405() {
    UserTable none;
    HttpConnectHandshake h(none);
    auto s = h.feed(span(std::string("GET http://[200::1]/ HTTP/1.1\r\nHost: [200::1]\r\n\r\n")));
    CPPUNIT_ASSERT(s.kind == HandshakeStep::Kind::Fail);
    CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 405 Method Not Allowed"), statusLine(s.reply));
  }

  void badTargetsGet400() {
    for (std::string target : {"200::1:80", "[200::1]", "host", "host:0", "host:99999", "[200::1:80", "host:8x"}) {
      UserTable none;
      HttpConnectHandshake h(none);
      auto s = h.feed(span("CONNECT " + target + " HTTP/1.1\r\n\r\n"));
      CPPUNIT_ASSERT_MESSAGE(target, s.kind == HandshakeStep::Kind::Fail);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(target, std::string("HTTP/1.1 400 Bad Request"), statusLine(s.reply));
    }
    UserTable none;
    HttpConnectHandshake noVersion(none);
    CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 400 Bad Request"), statusLine(noVersion.feed(span(std::string("CONNECT a:1\r\n\r\n"))).reply));
  }

  void oversizedHeadGets431() {
    UserTable none;
    HttpConnectHandshake h(none);
    std::string chunk = "CONNECT a:1 HTTP/1.1\r\nX: " + std::string(4000, 'x');
    HandshakeStep s = h.feed(span(chunk));
    for (int i = 0; i < 10 && s.kind == HandshakeStep::Kind::NeedMore; ++i) s = h.feed(span(std::string(4000, 'y')));
    CPPUNIT_ASSERT(s.kind == HandshakeStep::Kind::Fail);
    CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 431 Request Header Fields Too Large"), statusLine(s.reply));
  }

  void repliesByCause() {
    UserTable none;
    HttpConnectHandshake h(none);
    CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 502 Bad Gateway"), statusLine(h.failureReply(ReplyCode::ConnectionRefused, "refused")));
    CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 504 Gateway Timeout"), statusLine(h.failureReply(ReplyCode::TtlExpired, "slow")));
    CPPUNIT_ASSERT(h.failureReply(ReplyCode::HostUnreachable, "no route to x").find("no route to x") != std::string::npos);
  }

  void requestLineParser() {
    std::string why;
    auto ok = parseHttpRequestLine("CONNECT a.b:443 HTTP/1.0", why);
    CPPUNIT_ASSERT(ok && ok->method == "CONNECT" && ok->target == "a.b:443");
    CPPUNIT_ASSERT(!parseHttpRequestLine("CONNECT  a.b:443 HTTP/1.1", why));
    CPPUNIT_ASSERT(!parseHttpRequestLine("CONNECT a.b:443 HTTP/2", why));
    CPPUNIT_ASSERT(!parseHttpRequestLine(std::string("CONNECT a\x01:443 HTTP/1.1"), why));
    auto v4 = parseAuthority("10.0.0.1:22", why);
    CPPUNIT_ASSERT(v4 && v4->kind == Destination::Kind::Ipv4);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpConnectHandshakeTest);
