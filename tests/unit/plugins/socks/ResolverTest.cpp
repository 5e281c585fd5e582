#include <cppunit/extensions/HelperMacros.h>

#include <future>
#include <thread>

#include "DnsResponder.hpp"
#include "SocksTestSupport.hpp"
#include "ratatoskr/address.hpp"
#include "resolver/Resolver.hpp"

using namespace rtk::plugins::socks;
using namespace rtk::plugins::socks::test;
using rtk::Errc;

namespace {

const char* kNameserver = "[200:53::1]:53";

// The Errc and message resolve() throws for `name`.
std::pair<Errc, std::string> failure(Resolver& r, const std::string& name) {
  try {
    r.resolve(name);
  } catch (const rtk::Error& e) {
    return {e.code(), e.what()};
  }
  CPPUNIT_FAIL("\"" + name + "\" resolved");
  return {};
}

rtk::PublicKey sampleKey() {
  rtk::PublicKey k;
  for (std::size_t i = 0; i < k.bytes.size(); ++i) k.bytes[i] = static_cast<std::uint8_t>(3 * i + 1);
  return k;
}

}  // namespace

// The resolver's rules, with DNS answered by DnsResponder over real
// loopback sockets (MappedNetwork maps the nameserver to it).
class ResolverTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ResolverTest);
  CPPUNIT_TEST(pkYggNamesInAnyCase);
  CPPUNIT_TEST(pkYggSubdomainsAndBadLengthsAreRefusedClearly);
  CPPUNIT_TEST(literalsPassUnchanged);
  CPPUNIT_TEST(noNameserverFailsClosed);
  CPPUNIT_TEST(badNamesAreRefusedWithoutAQuery);
  CPPUNIT_TEST(answersFilteredTo200Slash7);
  CPPUNIT_TEST(onlyOutsideAnswersAreRefused);
  CPPUNIT_TEST(truncatedAnswersRetryOverTcp);
  CPPUNIT_TEST(cachesPositiveAndNegativeAnswers);
  CPPUNIT_TEST(coalescesConcurrentLookups);
  CPPUNIT_TEST(deadlineAndClose);
  CPPUNIT_TEST(nameserverForms);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    dns_ = std::make_unique<DnsResponder>();
    network_.map(kNameserver, dns_->port());
  }
  void tearDown() override { dns_.reset(); }

  std::unique_ptr<Resolver> make(std::chrono::seconds ttl = std::chrono::seconds(30)) {
    ResolverSettings s;
    s.nameserver = parseNameserver(kNameserver);
    s.cacheTtl = ttl;
    s.lookupTimeout = std::chrono::milliseconds(3000);
    return std::make_unique<Resolver>(network_, s);
  }

  void pkYggNamesInAnyCase() {
    auto r = make();
    const auto key = sampleKey();
    const auto expected = rtk::address::addressForKey(key);
    std::string name = rtk::address::pkYggName(key);
    CPPUNIT_ASSERT(expected == r->resolve(name));
    std::string upper = name;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CPPUNIT_ASSERT(expected == r->resolve(upper));
    CPPUNIT_ASSERT(expected == r->resolve(name + "."));
    CPPUNIT_ASSERT_EQUAL(0, network_.dials("udp"));
  }

  void pkYggSubdomainsAndBadLengthsAreRefusedClearly() {
    auto r = make();
    const std::string name = rtk::address::pkYggName(sampleKey());
    auto sub = failure(*r, "www." + name);
    CPPUNIT_ASSERT(sub.first == Errc::InvalidArgument);
    assertContains(sub.second, "subdomains");
    auto short63 = failure(*r, name.substr(1));
    CPPUNIT_ASSERT(short63.first == Errc::InvalidArgument);
    assertContains(short63.second, "63 characters");
    auto hex = failure(*r, "g" + name.substr(1));
    assertContains(hex.second, "not a hex digit");
    CPPUNIT_ASSERT_EQUAL(0, network_.dials("udp"));
  }

  void literalsPassUnchanged() {
    auto r = make();
    CPPUNIT_ASSERT(ip6("200::1") == r->resolve("200::1"));
    CPPUNIT_ASSERT(ip6("2001:db8::1") == r->resolve("[2001:db8::1]"));
    CPPUNIT_ASSERT(ip6("::ffff:10.0.0.1") == r->resolve("10.0.0.1"));
  }

  void noNameserverFailsClosed() {
    Resolver r(network_, ResolverSettings{});
    auto f = failure(r, "www.test.ygg");
    CPPUNIT_ASSERT(f.first == Errc::NotFound);
    assertContains(f.second, "no Nameserver");
  }

  void badNamesAreRefusedWithoutAQuery() {
    auto r = make();
    for (const std::string& name : {std::string("a..b"), std::string(254, 'a'), std::string(64, 'a') + ".ygg", std::string("."),
                                   std::string("a b.ygg")}) {
      CPPUNIT_ASSERT_MESSAGE(name, failure(*r, name).first == Errc::InvalidArgument);
    }
    CPPUNIT_ASSERT_EQUAL(0, dns_->udpQueries());
  }

  void answersFilteredTo200Slash7() {
    dns_->set("multi.test.ygg", {{"2001:db8::5", 60}, {"300:abcd::7", 60}});
    dns_->set("first.test.ygg", {{"201:1::1", 60}, {"300::1", 60}});
    auto r = make();
    CPPUNIT_ASSERT(ip6("300:abcd::7") == r->resolve("multi.test.ygg"));
    CPPUNIT_ASSERT(ip6("201:1::1") == r->resolve("FIRST.test.ygg."));
  }

  void onlyOutsideAnswersAreRefused() {
    dns_->set("clear.test.ygg", {{"2001:db8::9", 60}});
    auto r = make();
    auto f = failure(*r, "clear.test.ygg");
    CPPUNIT_ASSERT(f.first == Errc::NotFound);
    assertContains(f.second, "outside 200::/7");
    assertContains(f.second, "2001:db8::9");
    auto nx = failure(*r, "missing.test.ygg");
    CPPUNIT_ASSERT(nx.first == Errc::NotFound);
    assertContains(nx.second, "NXDOMAIN");
  }

  void truncatedAnswersRetryOverTcp() {
    dns_->set("www.test.ygg", {{"200:1234::1", 60}});
    dns_->truncateUdp(true);
    auto r = make();
    CPPUNIT_ASSERT(ip6("200:1234::1") == r->resolve("www.test.ygg"));
    CPPUNIT_ASSERT_EQUAL(1, dns_->udpQueries());
    CPPUNIT_ASSERT_EQUAL(1, dns_->tcpQueries());
  }

  void cachesPositiveAndNegativeAnswers() {
    dns_->set("www.test.ygg", {{"200:1234::1", 60}});
    dns_->set("zero.test.ygg", {{"200:1234::2", 0}});
    auto r = make();
    for (int i = 0; i < 3; ++i) r->resolve("www.test.ygg");
    for (int i = 0; i < 3; ++i) failure(*r, "missing.test.ygg");
    CPPUNIT_ASSERT_EQUAL(2, dns_->udpQueries());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(4), r->stats().cacheHits);
    // A TTL of 0 is not cached.
    r->resolve("zero.test.ygg");
    r->resolve("zero.test.ygg");
    CPPUNIT_ASSERT_EQUAL(4, dns_->udpQueries());
    // Without a cache every call asks.
    auto uncached = make(std::chrono::seconds(0));
    uncached->resolve("www.test.ygg");
    uncached->resolve("www.test.ygg");
    CPPUNIT_ASSERT_EQUAL(6, dns_->udpQueries());
  }

  void coalescesConcurrentLookups() {
    dns_->set("www.test.ygg", {{"200:1234::1", 60}});
    dns_->hold();
    auto r = make();
    std::vector<std::future<rtk::Ip6Address>> callers;
    for (int i = 0; i < 8; ++i) callers.push_back(std::async(std::launch::async, [&] { return r->resolve("www.test.ygg"); }));
    while (r->stats().coalesced < 7) std::this_thread::yield();
    dns_->release();
    for (auto& c : callers) CPPUNIT_ASSERT(ip6("200:1234::1") == c.get());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), r->stats().lookups);
  }

  void deadlineAndClose() {
    dns_->set("www.test.ygg", {{"200:1234::1", 60}});
    dns_->hold();
    auto r = make();
    auto f = std::async(std::launch::async, [&] { return failure(*r, "www.test.ygg"); });
    while (r->stats().inFlight == 0) std::this_thread::yield();
    // A follower with a short deadline gives up alone.
    try {
      r->resolve("www.test.ygg", rtk::Clock::now() + std::chrono::milliseconds(50));
      CPPUNIT_FAIL("resolved past its deadline");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::Timeout);
    }
    r->close();
    auto leader = f.get();
    CPPUNIT_ASSERT(leader.first == Errc::Closed);
    CPPUNIT_ASSERT(failure(*r, "www.test.ygg").first == Errc::Closed);
    dns_->release();
  }

  void nameserverForms() {
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(53), parseNameserver("200:53::1").port);
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(53), parseNameserver("[200:53::1]").port);
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(5353), parseNameserver("[300::1]:5353").port);
    for (auto bad : {"1.1.1.1", "[2001:db8::1]:53", "[200::1]:", "[200::1]:0", "[200::1]:70000", "ns.example:53", "[200::1"}) {
      try {
        parseNameserver(bad);
        CPPUNIT_FAIL(std::string("accepted ") + bad);
      } catch (const rtk::Error& e) {
        CPPUNIT_ASSERT(e.code() == Errc::InvalidArgument);
        assertContains(e.what(), bad);
      }
    }
  }

 private:
  MappedNetwork network_;
  std::unique_ptr<DnsResponder> dns_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ResolverTest);
