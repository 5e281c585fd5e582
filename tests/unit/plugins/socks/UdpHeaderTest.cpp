#include <cppunit/extensions/HelperMacros.h>

#include "SocksTestSupport.hpp"
#include "protocol/UdpHeader.hpp"

using namespace rtk::plugins::socks;
using namespace rtk::plugins::socks::test;

// RFC 1928 §7 datagram headers, as python's and curl-style clients build them.
class UdpHeaderTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(UdpHeaderTest);
  CPPUNIT_TEST(parsesTheThreeForms);
  CPPUNIT_TEST(keepsTheFragmentNumber);
  CPPUNIT_TEST(refusesShortAndReservedBytes);
  CPPUNIT_TEST(encodeParsesBack);
  CPPUNIT_TEST_SUITE_END();

 public:
  void parsesTheThreeForms() {
    auto v6 = parseUdpHeader(hexBytes("00000004020012340000000000000000000000011f90" "6869"));
    CPPUNIT_ASSERT(v6.status == ParseStatus::Done);
    CPPUNIT_ASSERT_EQUAL(std::size_t(22), v6.value.length);
    CPPUNIT_ASSERT_EQUAL(std::string("[200:1234::1]:8080"), v6.value.destination.describe());
    auto name = parseUdpHeader(hexBytes("000000030c7777772e746573742e796767" "0035"));
    CPPUNIT_ASSERT(name.status == ParseStatus::Done);
    CPPUNIT_ASSERT_EQUAL(std::string("www.test.ygg:53"), name.value.destination.describe());
    auto v4 = parseUdpHeader(hexBytes("000000017f0000010035"));
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:53"), v4.value.destination.describe());
    CPPUNIT_ASSERT_EQUAL(std::size_t(10), v4.value.length);
  }

  void keepsTheFragmentNumber() {
    auto f = parseUdpHeader(hexBytes("000001017f0000010035" "aa"));
    CPPUNIT_ASSERT(f.status == ParseStatus::Done);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(1), f.value.fragment);
  }

  void refusesShortAndReservedBytes() {
    CPPUNIT_ASSERT(parseUdpHeader(hexBytes("000000")).status == ParseStatus::Invalid);
    CPPUNIT_ASSERT(parseUdpHeader(hexBytes("000000017f0000")).status == ParseStatus::Invalid);
    CPPUNIT_ASSERT(parseUdpHeader(hexBytes("010000017f0000010035")).status == ParseStatus::Invalid);
    CPPUNIT_ASSERT(parseUdpHeader(hexBytes("000000077f0000010035")).status == ParseStatus::Invalid);
  }

  void encodeParsesBack() {
    for (const auto& d : {Destination::name("www.test.ygg", 7), Destination::ipv6(ip6("300::1"), 65535),
                          Destination::ipv4({1, 2, 3, 4}, 1)}) {
      std::string h = encodeUdpHeader(d);
      auto back = parseUdpHeader(span(h));
      CPPUNIT_ASSERT(back.status == ParseStatus::Done);
      CPPUNIT_ASSERT_EQUAL(d.describe(), back.value.destination.describe());
      CPPUNIT_ASSERT_EQUAL(h.size(), back.value.length);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(UdpHeaderTest);
