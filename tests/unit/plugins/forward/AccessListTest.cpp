#include <cppunit/extensions/HelperMacros.h>

#include "AccessList.hpp"
#include "ratatoskr/address.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::plugins::forward {

class AccessListTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AccessListTest);
  CPPUNIT_TEST(emptyAllowsEveryone);
  CPPUNIT_TEST(keyAllowsItsAddressOnly);
  CPPUNIT_TEST(prefixes);
  CPPUNIT_TEST(badEntries);
  CPPUNIT_TEST_SUITE_END();

 public:
  void emptyAllowsEveryone() { CPPUNIT_ASSERT(AccessList().allows(*parseAddress("200::1"))); }

  void keyAllowsItsAddressOnly() {
    const std::string hex = "c82fd7ac99173f6d230106dff58fa66fade4e0415f590370cdc938f4d074c01e";
    AccessList list;
    list.addKey(hex);
    auto key = *PublicKey::fromHex(hex);
    // The address yggdrasil derives (`yggdrasil -address` for this key prints it).
    CPPUNIT_ASSERT(list.allows(*parseAddress("200:6fa0:50a6:cdd1:8125:b9fd:f240:14e0")));
    CPPUNIT_ASSERT(list.allows(address::addressForKey(key)));
    CPPUNIT_ASSERT(!list.allows(*parseAddress("200:6fa0:50a6:cdd1:8125:b9fd:f240:14e1")));
    CPPUNIT_ASSERT(!list.allows(address::subnetForKey(key)));  // its /64 needs AllowedPrefixes
  }

  void prefixes() {
    AccessList list;
    list.addPrefix("300:1234:5678:9abc::/64");
    list.addPrefix("201:abcd::/33");
    CPPUNIT_ASSERT(list.allows(*parseAddress("300:1234:5678:9abc::1")));
    CPPUNIT_ASSERT(list.allows(*parseAddress("300:1234:5678:9abc:ffff:ffff:ffff:ffff")));
    CPPUNIT_ASSERT(!list.allows(*parseAddress("300:1234:5678:9abd::1")));
    CPPUNIT_ASSERT(list.allows(*parseAddress("201:abcd:7fff::1")));   // bit 33 is 0
    CPPUNIT_ASSERT(!list.allows(*parseAddress("201:abcd:8000::1")));  // bit 33 is 1
    AccessList all;
    all.addPrefix("200::/7");
    CPPUNIT_ASSERT(all.allows(*parseAddress("3ff::1")) && !all.allows(*parseAddress("400::1")));
  }

  void badEntries() {
    auto refusal = [](auto add) -> std::string {
      try {
        AccessList l;
        add(l);
      } catch (const Error& e) {
        return e.what();
      }
      return "accepted";
    };
    CPPUNIT_ASSERT_EQUAL(std::string("\"abc\" is not a public key (64 hex digits, got 3 characters)"),
                         refusal([](AccessList& l) { l.addKey("abc"); }));
    CPPUNIT_ASSERT_EQUAL(std::string("\"200::1\" is not a prefix (want <IPv6>/<bits>)"),
                         refusal([](AccessList& l) { l.addPrefix("200::1"); }));
    CPPUNIT_ASSERT_EQUAL(std::string("\"fd00::/8\" is not inside the Yggdrasil range 200::/7"),
                         refusal([](AccessList& l) { l.addPrefix("fd00::/8"); }));
    CPPUNIT_ASSERT_EQUAL(std::string("\"::/0\" is not inside the Yggdrasil range 200::/7"),
                         refusal([](AccessList& l) { l.addPrefix("::/0"); }));
    CPPUNIT_ASSERT_EQUAL(std::string("\"200::/129\": the prefix length must be 0..128"),
                         refusal([](AccessList& l) { l.addPrefix("200::/129"); }));
    CPPUNIT_ASSERT_EQUAL(std::string("\"10.0.0.0/8\": \"10.0.0.0\" is not an IPv6 address"),
                         refusal([](AccessList& l) { l.addPrefix("10.0.0.0/8"); }));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AccessListTest);

}  // namespace rtk::plugins::forward
