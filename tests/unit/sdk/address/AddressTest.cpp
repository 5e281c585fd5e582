#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <string>

#include "ratatoskr/address.hpp"
#include "unit/core/crypto/TestVectors.hpp"
#include "unit/sdk/address/LeadingZeroBits.hpp"

using rtk::Ip6Address;
using rtk::PublicKey;
using namespace rtk::address;
using rtk::test::hex;
using rtk::test::keyFromHex;
using rtk::test::leadingZeroBits;
using rtk::test::readVectors;

// Vectors: data/address_go.txt from yggdrasil-go src/address (AddrForKey,
// SubnetForKey, Address.GetKey, Subnet.GetKey) over random keys and keys
// crafted with every count of leading zero bits 0..256 (so the bitwise NOT
// the encoding works on starts with that many ones), followed by zeros, ones
// or random bits.
class AddressTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AddressTest);
  CPPUNIT_TEST(addressesAndSubnetsMatchGo);
  CPPUNIT_TEST(keysForAddressesAndSubnetsMatchGo);
  CPPUNIT_TEST(bloomTransformIsSubnetGetKey);
  CPPUNIT_TEST(vectorsCoverEveryRunLength);
  CPPUNIT_TEST(validityChecks);
  CPPUNIT_TEST(partialKeysKnowTheBitsTheyCarry);
  CPPUNIT_TEST(longestRunIsFullyKnown);
  CPPUNIT_TEST_SUITE_END();

 public:
  void addressesAndSubnetsMatchGo() {
    for (auto& row : readVectors(RTK_ADDRESS_DATA "/address_go.txt")) {
      auto key = keyFromHex(row[0]);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(row[0], row[1], hex(addressForKey(key).bytes));
      auto subnet = subnetForKey(key);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(row[0], row[2] + std::string(16, '0'), hex(subnet.bytes));
    }
  }

  void keysForAddressesAndSubnetsMatchGo() {
    for (auto& row : readVectors(RTK_ADDRESS_DATA "/address_go.txt")) {
      auto key = keyFromHex(row[0]);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(row[0], row[3], partialKeyForAddress(addressForKey(key)).key.hex());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(row[0], row[4], partialKeyForSubnet(subnetForKey(key)).key.hex());
    }
  }

  void bloomTransformIsSubnetGetKey() {
    for (auto& row : readVectors(RTK_ADDRESS_DATA "/address_go.txt"))
      CPPUNIT_ASSERT_EQUAL_MESSAGE(row[0], row[4], bloomTransform(keyFromHex(row[0])).hex());
  }

  void vectorsCoverEveryRunLength() {
    std::array<bool, 257> seen{};
    for (auto& row : readVectors(RTK_ADDRESS_DATA "/address_go.txt")) seen[leadingZeroBits(keyFromHex(row[0]))] = true;
    for (int n = 0; n <= 256; ++n) CPPUNIT_ASSERT_MESSAGE(std::to_string(n), seen[n]);
  }

  void validityChecks() {
    auto key = keyFromHex(std::string(64, '3'));
    CPPUNIT_ASSERT(isValidAddress(addressForKey(key)));
    CPPUNIT_ASSERT(!isValidSubnet(addressForKey(key)));
    CPPUNIT_ASSERT(isValidSubnet(subnetForKey(key)));
    CPPUNIT_ASSERT(!isValidAddress(subnetForKey(key)));
    Ip6Address other;
    other.bytes[0] = 0xfd;
    CPPUNIT_ASSERT(!isValidAddress(other) && !isValidSubnet(other));
  }

  // The partial key of an address agrees with the full key on every bit the
  // address carries: the run, its terminating bit, then whole bytes of the
  // rest (at most 14 of them; 6 for a subnet). knownBits says exactly that.
  void partialKeysKnowTheBitsTheyCarry() {
    for (auto& row : readVectors(RTK_ADDRESS_DATA "/address_go.txt")) {
      auto key = keyFromHex(row[0]);
      int ones = leadingZeroBits(key);
      if (ones > 255) continue;  // 256 ones wrap the count byte to 0, as in Go
      CPPUNIT_ASSERT_EQUAL(ones, int(addressForKey(key).bytes[1]));
      for (int payload : {14, 6}) {
        auto partial = payload == 14 ? partialKeyForAddress(addressForKey(key)) : partialKeyForSubnet(subnetForKey(key));
        int known = std::min(256, ones + 1 + std::min(payload * 8, (256 - ones - 1) / 8 * 8));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(row[0], known, partial.knownBits);
        CPPUNIT_ASSERT_MESSAGE(row[0], partial.matches(key));
        for (int bit = 0; bit < known; ++bit) {
          int a = key.bytes[bit / 8] >> (7 - bit % 8) & 1;
          int b = partial.key.bytes[bit / 8] >> (7 - bit % 8) & 1;
          CPPUNIT_ASSERT_EQUAL_MESSAGE(row[0] + " bit " + std::to_string(bit), a, b);
        }
        if (known == 256) continue;
        // Flipping a known bit breaks the match; flipping the first unknown one does not.
        auto other = key;
        other.bytes[(known - 1) / 8] ^= static_cast<std::uint8_t>(0x80 >> ((known - 1) % 8));
        CPPUNIT_ASSERT_MESSAGE(row[0], !partial.matches(other));
        other = key;
        other.bytes[known / 8] ^= static_cast<std::uint8_t>(0x80 >> (known % 8));
        CPPUNIT_ASSERT_MESSAGE(row[0], partial.matches(other));
      }
    }
  }

  // A key made of 255 leading zero bits and a 1 is fully known from its count byte.
  void longestRunIsFullyKnown() {
    PublicKey key;
    key.bytes[31] = 0x01;
    auto partial = partialKeyForAddress(addressForKey(key));
    CPPUNIT_ASSERT_EQUAL(255, int(addressForKey(key).bytes[1]));
    CPPUNIT_ASSERT_EQUAL(256, partial.knownBits);
    CPPUNIT_ASSERT(partial.key == key);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AddressTest);
