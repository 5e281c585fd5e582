#include <cppunit/extensions/HelperMacros.h>

#include "SocksTestSupport.hpp"
#include "protocol/SocksMessages.hpp"

using namespace rtk::plugins::socks;
using namespace rtk::plugins::socks::test;

// RFC 1928 / 1929 messages, parsed from the bytes curl really sends.
class SocksMessagesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SocksMessagesTest);
  CPPUNIT_TEST(parsesCurlsGreetings);
  CPPUNIT_TEST(everyPrefixOfAMessageIsIncomplete);
  CPPUNIT_TEST(refusesOtherVersionsAndEmptyMethodLists);
  CPPUNIT_TEST(parsesUsernameAndPassword);
  CPPUNIT_TEST(parsesRequestsInAllThreeAddressForms);
  CPPUNIT_TEST(refusesUnknownAddressTypesWithCode08);
  CPPUNIT_TEST(refusesEmptyDomainsAndNonZeroReservedBytes);
  CPPUNIT_TEST(encodesRepliesWithTheBoundAddress);
  CPPUNIT_TEST_SUITE_END();

 public:
  void parsesCurlsGreetings() {
    auto g = parseGreeting(hexBytes(curl::kGreeting));
    CPPUNIT_ASSERT(g.status == ParseStatus::Done);
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), g.consumed);
    CPPUNIT_ASSERT(g.value.offers(AuthMethod::None));
    CPPUNIT_ASSERT(!g.value.offers(AuthMethod::UserPass));
    auto u = parseGreeting(hexBytes(curl::kGreetingWithUser));
    CPPUNIT_ASSERT(u.status == ParseStatus::Done);
    CPPUNIT_ASSERT(u.value.offers(AuthMethod::UserPass));
  }

  void everyPrefixOfAMessageIsIncomplete() {
    for (auto hex : {curl::kGreeting, curl::kRequestDomain, curl::kRequestIpv6, curl::kRequestIpv4, curl::kRequestPkYgg}) {
      auto bytes = hexBytes(hex);
      for (std::size_t n = 0; n < bytes.size(); ++n) {
        std::span<const std::uint8_t> prefix(bytes.data(), n);
        auto status = hex == curl::kGreeting ? parseGreeting(prefix).status : parseRequest(prefix).status;
        CPPUNIT_ASSERT_MESSAGE(std::string(hex) + " cut at " + std::to_string(n), status == ParseStatus::Incomplete);
      }
    }
    auto auth = hexBytes(curl::kAuthAliceSecret);
    for (std::size_t n = 0; n < auth.size(); ++n) CPPUNIT_ASSERT(parseUserPass({auth.data(), n}).status == ParseStatus::Incomplete);
  }

  void refusesOtherVersionsAndEmptyMethodLists() {
    auto http = parseGreeting(hexBytes("474554202f20485454502f312e31"));  // "GET / HTTP/1.1"
    CPPUNIT_ASSERT(http.status == ParseStatus::Invalid);
    CPPUNIT_ASSERT(http.error.find("0x47") != std::string::npos);
    CPPUNIT_ASSERT(parseGreeting(hexBytes("0401")).status == ParseStatus::Invalid);  // SOCKS4
    CPPUNIT_ASSERT(parseGreeting(hexBytes("0500")).status == ParseStatus::Invalid);
  }

  void parsesUsernameAndPassword() {
    auto a = parseUserPass(hexBytes(curl::kAuthAliceSecret));
    CPPUNIT_ASSERT(a.status == ParseStatus::Done);
    CPPUNIT_ASSERT_EQUAL(std::string("alice"), a.value.user);
    CPPUNIT_ASSERT_EQUAL(std::string("s3cret"), a.value.password);
    CPPUNIT_ASSERT(parseUserPass(hexBytes("0205616c696365")).status == ParseStatus::Invalid);
    auto empty = parseUserPass(hexBytes("010000"));
    CPPUNIT_ASSERT(empty.status == ParseStatus::Done);
    CPPUNIT_ASSERT(empty.value.user.empty() && empty.value.password.empty());
  }

  void parsesRequestsInAllThreeAddressForms() {
    auto d = parseRequest(hexBytes(curl::kRequestDomain));
    CPPUNIT_ASSERT(d.status == ParseStatus::Done);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(1), d.value.command);
    CPPUNIT_ASSERT(d.value.destination.kind == Destination::Kind::Domain);
    CPPUNIT_ASSERT_EQUAL(std::string("example.ygg:80"), d.value.destination.describe());
    auto v6 = parseRequest(hexBytes(curl::kRequestIpv6));
    CPPUNIT_ASSERT(v6.status == ParseStatus::Done);
    CPPUNIT_ASSERT_EQUAL(std::string("[200:1234::1]:80"), v6.value.destination.describe());
    auto v4 = parseRequest(hexBytes(curl::kRequestIpv4));
    CPPUNIT_ASSERT_EQUAL(std::string("10.1.2.3:443"), v4.value.destination.describe());
    CPPUNIT_ASSERT_EQUAL(std::string("::ffff:10.1.2.3"), rtk::formatAddress(v4.value.destination.address()));
    auto pk = parseRequest(hexBytes(curl::kRequestPkYgg));
    CPPUNIT_ASSERT_EQUAL(std::size_t(64 + 7), pk.value.destination.domain.size());
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(8080), pk.value.destination.port);
    // A request followed by early data: only the request is consumed.
    auto withData = hexBytes(std::string(curl::kRequestIpv4) + "474554");
    CPPUNIT_ASSERT_EQUAL(std::size_t(10), parseRequest(withData).consumed);
  }

  void refusesUnknownAddressTypesWithCode08() {
    auto r = parseRequest(hexBytes("050100090a01020301bb"));
    CPPUNIT_ASSERT(r.status == ParseStatus::Invalid);
    CPPUNIT_ASSERT(r.reply == ReplyCode::AddressTypeNotSupported);
  }

  void refusesEmptyDomainsAndNonZeroReservedBytes() {
    auto empty = parseRequest(hexBytes("05010003000050"));
    CPPUNIT_ASSERT(empty.status == ParseStatus::Invalid);
    CPPUNIT_ASSERT(empty.reply == ReplyCode::HostUnreachable);
    CPPUNIT_ASSERT(parseRequest(hexBytes("050101010a01020301bb")).status == ParseStatus::Invalid);
    CPPUNIT_ASSERT(parseRequest(hexBytes("040100010a01020301bb")).status == ParseStatus::Invalid);
    auto nul = parseRequest(hexBytes("0501000303610062" "0050"));
    CPPUNIT_ASSERT(nul.status == ParseStatus::Invalid);
  }

  void encodesRepliesWithTheBoundAddress() {
    CPPUNIT_ASSERT(hexText("05000004020012340000000000000000000000011f90") ==
                   encodeReply(ReplyCode::Succeeded, ip6("200:1234::1"), 8080));
    CPPUNIT_ASSERT(hexText("05000001") + std::string(4, '\0') + std::string(2, '\0') == encodeReply(ReplyCode::Succeeded));
    CPPUNIT_ASSERT(std::string("\x05\xff", 2) == encodeMethodChoice(AuthMethod::NoAcceptable));
    CPPUNIT_ASSERT(std::string("\x01\x01", 2) == encodeUserPassStatus(false));
    CPPUNIT_ASSERT_EQUAL(std::string("\x05\x07\x00\x01\x00\x00\x00\x00\x00\x00", 10), encodeReply(ReplyCode::CommandNotSupported));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SocksMessagesTest);
