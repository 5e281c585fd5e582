#include <cppunit/extensions/HelperMacros.h>

#include "core/multicast/NetInterfaces.hpp"

using rtk::core::multicast::parseIfInet6Line;

class NetInterfacesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NetInterfacesTest);
  CPPUNIT_TEST(linkLocalAddressesAreRead);
  CPPUNIT_TEST(tentativeGlobalAndBrokenLinesAreLeftOut);
  CPPUNIT_TEST(theMachinesInterfacesAreListed);
  CPPUNIT_TEST_SUITE_END();

 public:
  void linkLocalAddressesAreRead() {
    std::string address, name;
    // Lines as the kernel writes them (captured from a veth in a namespace).
    CPPUNIT_ASSERT(parseIfInet6Line("fe8000000000000028fd52fffeb4e5c2 03 40 20 80       v0", address, name));
    CPPUNIT_ASSERT_EQUAL(std::string("fe80::28fd:52ff:feb4:e5c2"), address);
    CPPUNIT_ASSERT_EQUAL(std::string("v0"), name);
  }

  void tentativeGlobalAndBrokenLinesAreLeftOut() {
    std::string address, name;
    CPPUNIT_ASSERT(!parseIfInet6Line("fe8000000000000028fd52fffeb4e5c2 03 40 20 c0       v0", address, name));  // tentative
    CPPUNIT_ASSERT(!parseIfInet6Line("fe8000000000000028fd52fffeb4e5c2 03 40 20 88       v0", address, name));  // DAD failed
    CPPUNIT_ASSERT(!parseIfInet6Line("fd72746b000000000000000000000001 03 40 00 80       v0", address, name));  // global
    CPPUNIT_ASSERT(!parseIfInet6Line("00000000000000000000000000000001 01 80 10 80       lo", address, name));  // host
    CPPUNIT_ASSERT(!parseIfInet6Line("fe80 03 40 20 80 v0", address, name));
    CPPUNIT_ASSERT(!parseIfInet6Line("", address, name));
    CPPUNIT_ASSERT(!parseIfInet6Line("zz8000000000000028fd52fffeb4e5c2 03 40 20 80 v0", address, name));
  }

  void theMachinesInterfacesAreListed() {
    auto all = rtk::core::multicast::listNetInterfaces();
    bool loopback = false;
    for (const auto& n : all) {
      CPPUNIT_ASSERT(n.index > 0);
      if (n.name == "lo") loopback = !n.multicast;  // lo has no IFF_MULTICAST
    }
    CPPUNIT_ASSERT_MESSAGE("lo should be listed, without IFF_MULTICAST", loopback);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NetInterfacesTest);
