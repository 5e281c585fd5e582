#include "Lab.hpp"
#include "Ping.hpp"

#include <cppunit/extensions/HelperMacros.h>

using namespace rtk::interop;

class VethLinkTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(VethLinkTest);
  CPPUNIT_TEST(endsReachEachOtherOverIpv6AndIpv4);
  CPPUNIT_TEST(downLinkStopsTrafficAndUpRestoresIt);
  CPPUNIT_TEST(secondLinkGetsItsOwnSubnet);
  CPPUNIT_TEST_SUITE_END();

 public:
  void endsReachEachOtherOverIpv6AndIpv4() {
    Lab lab("self-veth");
    Netns& a = lab.addNetns("a");
    Netns& b = lab.addNetns("b");
    const VethLink& link = lab.connect(a, b, 1400);
    CPPUNIT_ASSERT_EQUAL(std::string("fd72:746b:0:0::1"), link.a().ipv6);
    CPPUNIT_ASSERT_EQUAL(std::string("fd72:746b:0:0::2"), link.b().ipv6);
    CPPUNIT_ASSERT(ping6(a, link.b().ipv6, PingOptions{2, 5000, 0.2, 56}).allReceived());
    CPPUNIT_ASSERT(a.run({"ping", "-4", "-c", "1", "-W", "2", link.b().ipv4}, 5000).ok());
    const RunResult mtu = b.check({"ip", "-o", "link", "show", link.b().ifName}, 5000);
    CPPUNIT_ASSERT(mtu.out.find("mtu 1400") != std::string::npos);
  }

  void downLinkStopsTrafficAndUpRestoresIt() {
    Lab lab("self-veth");
    Netns& a = lab.addNetns("a");
    Netns& b = lab.addNetns("b");
    const VethLink& link = lab.connect(a, b);
    link.setUp(false);
    CPPUNIT_ASSERT(!a.run({"ping", "-6", "-c", "1", "-W", "1", link.b().ipv6}, 5000).ok());
    link.setUp(true);
    // keep_addr_on_down keeps the static address across the flap.
    CPPUNIT_ASSERT(ping6(a, link.b().ipv6, PingOptions{3, 5000, 0.2, 56}).received > 0);
  }

  void secondLinkGetsItsOwnSubnet() {
    Lab lab("self-veth");
    Netns& a = lab.addNetns("a");
    Netns& b = lab.addNetns("b");
    Netns& c = lab.addNetns("c");
    lab.connect(a, b);
    const VethLink& second = lab.connect(b, c);
    CPPUNIT_ASSERT_EQUAL(1, second.index());
    CPPUNIT_ASSERT_EQUAL(std::string("vl1"), second.a().ifName);
    CPPUNIT_ASSERT_EQUAL(std::string("fd72:746b:0:1::2"), second.b().ipv6);
    CPPUNIT_ASSERT(ping6(c, second.a().ipv6, PingOptions{1, 5000, 0.2, 56}).allReceived());
    // a and c share no link, and nobody routes.
    CPPUNIT_ASSERT(!a.run({"ping", "-6", "-c", "1", "-W", "1", second.b().ipv6}, 5000).ok());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(VethLinkTest);
