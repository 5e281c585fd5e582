#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "ratatoskr/address.hpp"

using rtk::Errc;
using rtk::Error;
using rtk::PublicKey;
using namespace rtk::address;

namespace {

PublicKey sampleKey() {
  PublicKey k;
  for (std::size_t i = 0; i < k.bytes.size(); ++i) k.bytes[i] = static_cast<std::uint8_t>(0x0f + 7 * i);
  return k;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// The message of the rtk::Error(InvalidArgument) that parsing `name` throws.
std::string refusal(const std::string& name) {
  try {
    keyFromPkYggName(name);
  } catch (const Error& e) {
    CPPUNIT_ASSERT_MESSAGE(name, e.code() == Errc::InvalidArgument);
    return e.what();
  }
  CPPUNIT_FAIL("accepted \"" + name + "\"");
  return {};
}

void assertContains(const std::string& text, const std::string& part) {
  CPPUNIT_ASSERT_MESSAGE("\"" + text + "\" lacks \"" + part + "\"", text.find(part) != std::string::npos);
}

}  // namespace

// "<64 hex>.pk.ygg" names (ratatoskr/address.hpp) both ways; the real
// binary's keys are checked in IdentityTest.
class PkYggNameTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PkYggNameTest);
  CPPUNIT_TEST(nameIsLowercaseHexAndSuffix);
  CPPUNIT_TEST(roundTripsInAnyCaseWithATrailingDot);
  CPPUNIT_TEST(recognisesTheSuffixOnly);
  CPPUNIT_TEST(refusesAMissingSuffix);
  CPPUNIT_TEST(refusesTheWrongLength);
  CPPUNIT_TEST(refusesNonHexDigits);
  CPPUNIT_TEST(refusesSubdomainsAndDoubleDots);
  CPPUNIT_TEST(quotesLongInputsShortened);
  CPPUNIT_TEST_SUITE_END();

 public:
  void nameIsLowercaseHexAndSuffix() {
    const auto name = pkYggName(sampleKey());
    CPPUNIT_ASSERT_EQUAL(sampleKey().hex() + ".pk.ygg", name);
    CPPUNIT_ASSERT_EQUAL(std::size_t(71), name.size());
    CPPUNIT_ASSERT(std::none_of(name.begin(), name.end(), [](unsigned char c) { return std::isupper(c); }));
  }

  void roundTripsInAnyCaseWithATrailingDot() {
    for (int i = 0; i < 64; ++i) {
      PublicKey k;
      for (std::size_t b = 0; b < k.bytes.size(); ++b) k.bytes[b] = static_cast<std::uint8_t>(i * 31 + b * 13);
      const auto name = pkYggName(k);
      CPPUNIT_ASSERT(keyFromPkYggName(name) == k);
      CPPUNIT_ASSERT(keyFromPkYggName(name + ".") == k);
      CPPUNIT_ASSERT(keyFromPkYggName(upper(name)) == k);
      CPPUNIT_ASSERT(keyFromPkYggName(k.hex() + ".Pk.YgG.") == k);
    }
  }

  void recognisesTheSuffixOnly() {
    CPPUNIT_ASSERT(isPkYggName(pkYggName(sampleKey())));
    CPPUNIT_ASSERT(isPkYggName("whatever.PK.YGG."));
    CPPUNIT_ASSERT(!isPkYggName("example.com"));
    CPPUNIT_ASSERT(!isPkYggName("pk.ygg"));
    CPPUNIT_ASSERT(!isPkYggName(sampleKey().hex() + ".pk.ygg.."));
    CPPUNIT_ASSERT(!isPkYggName(""));
  }

  void refusesAMissingSuffix() {
    const auto hex = sampleKey().hex();
    for (const auto& name : {hex, hex + ".ygg", hex + ".pk.ygg..", hex + ".pk.yggx", std::string()}) {
      auto message = refusal(name);
      assertContains(message, "address: \"" + name + "\" is not a .pk.ygg name");
    }
  }

  void refusesTheWrongLength() {
    const auto hex = sampleKey().hex();
    assertContains(refusal(hex.substr(1) + ".pk.ygg"), "expected 64 hex digits before .pk.ygg, found 63 characters");
    assertContains(refusal(hex + "0.pk.ygg"), "found 65 characters");
    assertContains(refusal(".pk.ygg"), "found 0 characters");
  }

  void refusesNonHexDigits() {
    auto hex = sampleKey().hex();
    hex[9] = 'g';
    assertContains(refusal(hex + ".pk.ygg"), "character 10 of the key is not a hex digit");
    hex[9] = ' ';
    assertContains(refusal(hex + ".pk.ygg"), "character 10 of the key is not a hex digit");
  }

  void refusesSubdomainsAndDoubleDots() {
    const auto hex = sampleKey().hex();
    assertContains(refusal("www." + hex + ".pk.ygg"), "found 68 characters");
    assertContains(refusal(hex + "..pk.ygg"), "found 65 characters");
  }

  void quotesLongInputsShortened() {
    const std::string name = std::string(500, 'a') + ".pk.ygg";
    auto message = refusal(name);
    assertContains(message, "...\" (507 characters)");
    CPPUNIT_ASSERT(message.size() < 200);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PkYggNameTest);
