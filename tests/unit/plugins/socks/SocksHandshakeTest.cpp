#include <cppunit/extensions/HelperMacros.h>

#include "SocksTestSupport.hpp"
#include "protocol/SocksHandshake.hpp"

using namespace rtk::plugins::socks;
using namespace rtk::plugins::socks::test;

namespace {

HandshakeStep feedHex(SocksHandshake& h, std::string_view hex) { return h.feed(hexBytes(hex)); }

}  // namespace

// The server side of the negotiation, fed curl's bytes whole, byte by byte
// and pipelined, with and without username/password.
class SocksHandshakeTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SocksHandshakeTest);
  CPPUNIT_TEST(noAuthenticationThenConnect);
  CPPUNIT_TEST(byteByByteGivesTheSameResult);
  CPPUNIT_TEST(pipelinedGreetingRequestAndDataKeepTheData);
  CPPUNIT_TEST(usernamePasswordAccepted);
  CPPUNIT_TEST(wrongPasswordAnswered0101);
  CPPUNIT_TEST(clientWithoutUserPassGetsFF);
  CPPUNIT_TEST(bindAndUnknownCommandsAnswered07);
  CPPUNIT_TEST(badAddressTypeAnswered08);
  CPPUNIT_TEST(garbageClosesWithoutReply);
  CPPUNIT_TEST(udpAssociateIsReady);
  CPPUNIT_TEST_SUITE_END();

 public:
  void noAuthenticationThenConnect() {
    UserTable none;
    SocksHandshake h(none);
    auto s1 = feedHex(h, curl::kGreeting);
    CPPUNIT_ASSERT(s1.kind == HandshakeStep::Kind::NeedMore);
    CPPUNIT_ASSERT_EQUAL(std::string("\x05\x00", 2), s1.reply);
    auto s2 = feedHex(h, curl::kRequestDomain);
    CPPUNIT_ASSERT(s2.kind == HandshakeStep::Kind::Ready);
    CPPUNIT_ASSERT(s2.reply.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("example.ygg:80"), h.request().destination.describe());
    CPPUNIT_ASSERT(h.principal().empty());
    CPPUNIT_ASSERT(h.takeLeftover().empty());
  }

  void byteByByteGivesTheSameResult() {
    UserTable none;
    SocksHandshake h(none);
    std::string replies;
    HandshakeStep last;
    for (auto b : hexBytes(std::string(curl::kGreeting) + std::string(curl::kRequestPkYgg))) {
      last = h.feed({&b, 1});
      replies += last.reply;
      if (last.kind != HandshakeStep::Kind::NeedMore) break;
    }
    CPPUNIT_ASSERT(last.kind == HandshakeStep::Kind::Ready);
    CPPUNIT_ASSERT_EQUAL(std::string("\x05\x00", 2), replies);
    CPPUNIT_ASSERT_EQUAL(std::string(64, 'a').size(), h.request().destination.domain.size() - 7);
  }

  void pipelinedGreetingRequestAndDataKeepTheData() {
    UserTable none;
    SocksHandshake h(none);
    auto s = h.feed(hexBytes(std::string(curl::kGreeting) + std::string(curl::kRequestIpv6) + "474554202f"));
    CPPUNIT_ASSERT(s.kind == HandshakeStep::Kind::Ready);
    CPPUNIT_ASSERT_EQUAL(std::string("\x05\x00", 2), s.reply);
    CPPUNIT_ASSERT_EQUAL(std::string("GET /"), h.takeLeftover());
  }

  void usernamePasswordAccepted() {
    UserTable users{{"alice", "s3cret"}};
    SocksHandshake h(users);
    CPPUNIT_ASSERT_EQUAL(std::string("\x05\x02", 2), feedHex(h, curl::kGreetingWithUser).reply);
    auto a = feedHex(h, curl::kAuthAliceSecret);
    CPPUNIT_ASSERT(a.kind == HandshakeStep::Kind::NeedMore);
    CPPUNIT_ASSERT_EQUAL(std::string("\x01\x00", 2), a.reply);
    CPPUNIT_ASSERT(feedHex(h, curl::kRequestDomain).kind == HandshakeStep::Kind::Ready);
    CPPUNIT_ASSERT_EQUAL(std::string("user:alice"), h.principal());
  }

  void wrongPasswordAnswered0101() {
    UserTable users{{"alice", "other"}};
    SocksHandshake h(users);
    feedHex(h, curl::kGreetingWithUser);
    auto a = feedHex(h, curl::kAuthAliceSecret);
    CPPUNIT_ASSERT(a.kind == HandshakeStep::Kind::Fail);
    CPPUNIT_ASSERT_EQUAL(std::string("\x01\x01", 2), a.reply);
    CPPUNIT_ASSERT(a.error.find("alice") != std::string::npos);
    UserTable prefix{{"alice", "s3cretX"}};
    SocksHandshake h2(prefix);
    feedHex(h2, curl::kGreetingWithUser);
    CPPUNIT_ASSERT(feedHex(h2, curl::kAuthAliceSecret).kind == HandshakeStep::Kind::Fail);
  }

  void clientWithoutUserPassGetsFF() {
    UserTable users{{"alice", "s3cret"}};
    SocksHandshake h(users);
    auto s = feedHex(h, curl::kGreeting);
    CPPUNIT_ASSERT(s.kind == HandshakeStep::Kind::Fail);
    CPPUNIT_ASSERT_EQUAL(std::string("\x05\xff", 2), s.reply);
  }

  void bindAndUnknownCommandsAnswered07() {
    for (auto request : {"050200010a01020301bb", "050900010a01020301bb"}) {
      UserTable none;
      SocksHandshake h(none);
      feedHex(h, curl::kGreeting);
      auto s = feedHex(h, request);
      CPPUNIT_ASSERT(s.kind == HandshakeStep::Kind::Fail);
      CPPUNIT_ASSERT_EQUAL(std::string("\x05\x07\x00\x01\x00\x00\x00\x00\x00\x00", 10), s.reply);
    }
  }

  void badAddressTypeAnswered08() {
    UserTable none;
    SocksHandshake h(none);
    feedHex(h, curl::kGreeting);
    auto s = feedHex(h, "05010005");
    CPPUNIT_ASSERT(s.kind == HandshakeStep::Kind::Fail);
    CPPUNIT_ASSERT_EQUAL(std::string("\x05\x08\x00\x01\x00\x00\x00\x00\x00\x00", 10), s.reply);
  }

  void garbageClosesWithoutReply() {
    UserTable none;
    SocksHandshake h(none);
    auto s = h.feed(span(std::string("GET / HTTP/1.1\r\n\r\n")));
    CPPUNIT_ASSERT(s.kind == HandshakeStep::Kind::Fail);
    CPPUNIT_ASSERT(s.reply.empty());
    CPPUNIT_ASSERT(s.error.find("not SOCKS5") != std::string::npos);
  }

  void udpAssociateIsReady() {
    UserTable none;
    SocksHandshake h(none);
    feedHex(h, curl::kGreeting);
    CPPUNIT_ASSERT(feedHex(h, "05030001000000000000").kind == HandshakeStep::Kind::Ready);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(3), h.request().command);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SocksHandshakeTest);
