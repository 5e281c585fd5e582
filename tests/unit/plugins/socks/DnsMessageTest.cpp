#include <cppunit/extensions/HelperMacros.h>

#include "SocksTestSupport.hpp"
#include "resolver/DnsMessage.hpp"

using namespace rtk::plugins::socks;
using namespace rtk::plugins::socks::test;

namespace {

DnsQuery queryOf(std::string_view hex) {
  auto b = hexBytes(hex);
  return DnsQuery{0x1234, std::string(b.begin(), b.end())};
}

bool refused(std::string_view answerHex, const DnsQuery& q) {
  try {
    parseAaaaAnswer(hexBytes(answerHex), q);
  } catch (const rtk::Error& e) {
    return e.code() == rtk::Errc::Protocol;
  }
  return false;
}

}  // namespace

// Queries as c-ares builds them; answers dnsmasq really gave (see
// SocksTestSupport.hpp), and the checks we add on top of c-ares.
class DnsMessageTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DnsMessageTest);
  CPPUNIT_TEST(buildsTheSameQueryAsDnsmasqWasAsked);
  CPPUNIT_TEST(refusesNamesCaresCannotEncode);
  CPPUNIT_TEST(parsesOneAndTwoAddresses);
  CPPUNIT_TEST(followsCnames);
  CPPUNIT_TEST(reportsNxdomainAndTruncation);
  CPPUNIT_TEST(refusesAnswersToOtherQuestions);
  CPPUNIT_TEST(refusesCutMessages);
  CPPUNIT_TEST_SUITE_END();

 public:
  void buildsTheSameQueryAsDnsmasqWasAsked() {
    auto q = buildAaaaQuery("www.test.ygg", 0x1234);
    CPPUNIT_ASSERT_EQUAL(std::string(hexText(dnsmasq::kQueryWww)), q.bytes);
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(0x1234), q.id);
  }

  void refusesNamesCaresCannotEncode() {
    try {
      buildAaaaQuery(std::string(70, 'a') + ".ygg", 1);
      CPPUNIT_FAIL("a 70-byte label was encoded");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::InvalidArgument);
    }
  }

  void parsesOneAndTwoAddresses() {
    auto www = parseAaaaAnswer(hexBytes(dnsmasq::kAnswerWww), queryOf(dnsmasq::kQueryWww));
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), www.rcode);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), www.addresses.size());
    CPPUNIT_ASSERT(ip6("200:1234::1") == www.addresses[0].address);
    CPPUNIT_ASSERT_EQUAL(0L, static_cast<long>(www.addresses[0].ttl.count()));
    auto multi = parseAaaaAnswer(hexBytes(dnsmasq::kAnswerMulti), queryOf(dnsmasq::kQueryMulti));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), multi.addresses.size());
    CPPUNIT_ASSERT(ip6("2001:db8::5") == multi.addresses[0].address);
    CPPUNIT_ASSERT(ip6("300:abcd::7") == multi.addresses[1].address);
  }

  void followsCnames() {
    auto alias = parseAaaaAnswer(hexBytes(dnsmasq::kAnswerAlias), queryOf(dnsmasq::kQueryAlias));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), alias.addresses.size());
    CPPUNIT_ASSERT(ip6("200:1234::1") == alias.addresses[0].address);
  }

  void reportsNxdomainAndTruncation() {
    auto nx = parseAaaaAnswer(hexBytes(dnsmasq::kAnswerMissing), queryOf(dnsmasq::kQueryMissing));
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(3), nx.rcode);
    CPPUNIT_ASSERT(nx.addresses.empty());
    std::string tc(dnsmasq::kAnswerWww);
    tc.replace(4, 2, "87");  // QR AA TC RD
    auto truncated = parseAaaaAnswer(hexBytes(tc), queryOf(dnsmasq::kQueryWww));
    CPPUNIT_ASSERT(truncated.truncated);
    CPPUNIT_ASSERT(truncated.addresses.empty());
  }

  void refusesAnswersToOtherQuestions() {
    // dnsmasq's answer for www against the question for clear: another name.
    CPPUNIT_ASSERT(refused(dnsmasq::kAnswerWww, queryOf(dnsmasq::kQueryClear)));
    // Another ID.
    std::string otherId(dnsmasq::kAnswerWww);
    otherId.replace(0, 4, "4321");
    CPPUNIT_ASSERT(refused(otherId, queryOf(dnsmasq::kQueryWww)));
    // Our own query echoed back (QR clear).
    CPPUNIT_ASSERT(refused(dnsmasq::kQueryWww, queryOf(dnsmasq::kQueryWww)));
    // The same question in other letter case is still ours (0x20 mixing by resolvers).
    std::string upper(dnsmasq::kAnswerWww);
    upper.replace(26, 6, "575757");  // "WWW"
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), parseAaaaAnswer(hexBytes(upper), queryOf(dnsmasq::kQueryWww)).addresses.size());
  }

  void refusesCutMessages() {
    const auto full = hexBytes(dnsmasq::kAnswerMulti);
    for (std::size_t n = 0; n < full.size(); ++n)
      CPPUNIT_ASSERT_MESSAGE("cut at " + std::to_string(n), refused(std::string(dnsmasq::kAnswerMulti).substr(0, 2 * n), queryOf(dnsmasq::kQueryMulti)));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DnsMessageTest);
