#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

#include "ninfo/AskTarget.hpp"
#include "ratatoskr/address.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

using rtk::Errc;
using rtk::Error;
using rtk::ninfo::AskTarget;
using rtk::ninfo::parseTarget;

namespace {

// A real node: `yggdrasil -genconf -json`, then -publickey, -address and
// -subnet of yggdrasil 0.5.12 on that conf.
const std::string kKey = "bf4ff33513148a429ff07fe9c07ee86f10bd5fdfad8ea8016c4b697f286f04b9";
const std::string kAddress = "200:8160:1995:d9d6:eb7a:c01f:2c:7f02";
const std::string kSubnet = "300:8160:1995:d9d6::";

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return s;
}

// The error parseTarget throws for `text`; fails the test when it accepts it.
Error refusal(const std::string& text) {
  try {
    parseTarget(text);
  } catch (const Error& e) {
    return e;
  }
  CPPUNIT_FAIL("accepted \"" + text + "\"");
  return Error(Errc::Unknown, "");
}

void assertBadTarget(const std::string& text, const std::string& fragment) {
  Error e = refusal(text);
  const std::string message = e.what();
  CPPUNIT_ASSERT_MESSAGE(message, e.code() == Errc::InvalidArgument);
  CPPUNIT_ASSERT_MESSAGE(message, message.rfind("ninfo: bad target ", 0) == 0);
  CPPUNIT_ASSERT_MESSAGE(message + " lacks: " + fragment, message.find(fragment) != std::string::npos);
}

}  // namespace

class AskTargetTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AskTargetTest);
  CPPUNIT_TEST(hexKeyInEitherCase);
  CPPUNIT_TEST(pkYggNameWithSuffixInAnyCase);
  CPPUNIT_TEST(pkYggNameWithSubdomainOrBadLengthIsRefused);
  CPPUNIT_TEST(bracketedAddressWithPortIgnoresThePort);
  CPPUNIT_TEST(bareNodeAddress);
  CPPUNIT_TEST(subnetHostIsCanonicalisedToItsPrefix);
  CPPUNIT_TEST(whitespaceIsTrimmed);
  CPPUNIT_TEST(addressOutsideYggdrasilSaysSo);
  CPPUNIT_TEST(otherFormsAreBadTargets);
  CPPUNIT_TEST_SUITE_END();

 public:
  void hexKeyInEitherCase() {
    for (const auto& text : {kKey, upper(kKey)}) {
      AskTarget t = parseTarget(text);
      CPPUNIT_ASSERT(t.kind == AskTarget::Kind::Key);
      CPPUNIT_ASSERT_EQUAL(kKey, t.key.hex());
      CPPUNIT_ASSERT_EQUAL(text, t.text);
    }
  }

  void pkYggNameWithSuffixInAnyCase() {
    for (const auto& text : {kKey + ".pk.ygg", upper(kKey) + ".PK.YGG", kKey + ".Pk.Ygg", kKey + ".pk.ygg."}) {
      AskTarget t = parseTarget(text);
      CPPUNIT_ASSERT_MESSAGE(text, t.kind == AskTarget::Kind::Key);
      CPPUNIT_ASSERT_EQUAL(kKey, t.key.hex());
    }
  }

  void pkYggNameWithSubdomainOrBadLengthIsRefused() {
    assertBadTarget("www." + kKey + ".pk.ygg", "expected exactly 64 hex digits before .pk.ygg (no subdomain), found 68");
    assertBadTarget(kKey.substr(2) + ".pk.ygg", "found 62 characters");
    assertBadTarget(".pk.ygg", "found 0 characters");
    assertBadTarget(std::string(64, 'g') + ".pk.ygg", "not hex");
  }

  void bracketedAddressWithPortIgnoresThePort() {
    for (const std::string port : {"0", "80", "65535", "99999"}) {
      AskTarget t = parseTarget("[" + kAddress + "]:" + port);
      CPPUNIT_ASSERT(t.kind == AskTarget::Kind::Address);
      CPPUNIT_ASSERT_EQUAL(kAddress, rtk::formatAddress(t.address));
    }
    // The address is the real node's: it belongs to the key.
    CPPUNIT_ASSERT(rtk::address::addressForKey(*rtk::PublicKey::fromHex(kKey)) == parseTarget(kAddress).address);
    assertBadTarget("[" + kAddress + "]:123456", "expected 64 hex digits");
    assertBadTarget("[" + kAddress + "]", "expected 64 hex digits");
    assertBadTarget("[" + kAddress + "]:", "expected 64 hex digits");
    assertBadTarget("[" + kAddress + "]:http", "expected 64 hex digits");
    assertBadTarget("[" + kAddress + "%eth0]:80", "expected 64 hex digits");
  }

  void bareNodeAddress() {
    AskTarget t = parseTarget(kAddress);
    CPPUNIT_ASSERT(t.kind == AskTarget::Kind::Address);
    CPPUNIT_ASSERT_EQUAL(kAddress, rtk::formatAddress(t.address));
    CPPUNIT_ASSERT(parseTarget(upper(kAddress)).address == t.address);
    CPPUNIT_ASSERT_EQUAL(std::string("200:8160:1995:d9d6:eb7a:c01f:2c:7f02"),
                         rtk::formatAddress(parseTarget("0200:8160:1995:d9d6:eb7a:c01f:002c:7f02").address));
  }

  void subnetHostIsCanonicalisedToItsPrefix() {
    for (const std::string& host : std::vector<std::string>{kSubnet, kSubnet + "1", "300:8160:1995:d9d6:ffff:ffff:ffff:ffff", "[" + kSubnet + "abcd]:443"}) {
      AskTarget t = parseTarget(host);
      CPPUNIT_ASSERT_MESSAGE(host, t.kind == AskTarget::Kind::Subnet);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(host, kSubnet, rtk::formatAddress(t.address));
      CPPUNIT_ASSERT_EQUAL(kSubnet + "/64", rtk::ninfo::describeAddress(t));
    }
    CPPUNIT_ASSERT(rtk::address::subnetForKey(*rtk::PublicKey::fromHex(kKey)) == parseTarget(kSubnet + "1").address);
  }

  void whitespaceIsTrimmed() {
    AskTarget t = parseTarget("  \t" + kAddress + "\n ");
    CPPUNIT_ASSERT_EQUAL(kAddress, t.text);
    CPPUNIT_ASSERT_EQUAL(kKey, parseTarget(" " + kKey + " ").key.hex());
  }

  void addressOutsideYggdrasilSaysSo() {
    for (const std::string text : {"2001:db8::1", "::1", "[fe80::1]:80", "400::1", "::"}) {
      Error e = refusal(text);
      const std::string message = e.what();
      CPPUNIT_ASSERT(e.code() == Errc::InvalidArgument);
      CPPUNIT_ASSERT_MESSAGE(message, message.find("is not a Yggdrasil address") != std::string::npos);
    }
  }

  void otherFormsAreBadTargets() {
    assertBadTarget("", "empty");
    assertBadTarget("   ", "empty");
    assertBadTarget("example.com", "no hostnames");
    assertBadTarget("192.0.2.1", "no hostnames");
    assertBadTarget("::ffff:192.0.2.1", "no hostnames");
    assertBadTarget("fe80::1%eth0", "no hostnames");
    assertBadTarget(kKey.substr(1), "expected 64 hex digits");
    assertBadTarget(kKey + "0", "expected 64 hex digits");
    assertBadTarget(std::string(63, 'a') + "z", "not hex");
    assertBadTarget("200:::1", "not a valid IPv6 address");
    assertBadTarget("1:2:3:4:5:6:7:8:9", "not a valid IPv6 address");
    // Control characters are quoted, never printed raw.
    Error e = refusal(std::string("bad\x01target\n"));
    CPPUNIT_ASSERT(std::string(e.what()).find("\\x01") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AskTargetTest);
