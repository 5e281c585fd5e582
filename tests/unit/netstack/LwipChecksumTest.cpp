#include <cppunit/extensions/HelperMacros.h>

#include <bit>
#include <cstdint>
#include <random>
#include <vector>

#include "netstack/src/LwipChecksum.hpp"

namespace {

// RFC 1071 written out: big-endian 16-bit words from the first byte, an odd
// last byte padded with zero, end-around carries; the sum in network order.
std::uint16_t rfc1071Sum(const std::uint8_t* p, std::size_t n) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < n; i += 2) {
    sum += std::uint32_t{p[i]} << 8 | p[i + 1];
    sum = (sum & 0xFFFF) + (sum >> 16);
  }
  if (n % 2) {
    sum += std::uint32_t{p[n - 1]} << 8;
    sum = (sum & 0xFFFF) + (sum >> 16);
  }
  return static_cast<std::uint16_t>(sum);
}

// lwIP keeps the sum in host order as it lies in memory: the network-order
// sum with its bytes swapped on a little-endian host.
std::uint16_t asLwipReturnsIt(std::uint16_t networkOrder) {
  if constexpr (std::endian::native == std::endian::little)
    return static_cast<std::uint16_t>(networkOrder << 8 | networkOrder >> 8);
  return networkOrder;
}

}  // namespace

// The checksum routine lwIP uses for everything it sends
// (host/netstack/src/LwipChecksum.cpp).
class LwipChecksumTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LwipChecksumTest);
  CPPUNIT_TEST(rfc1071ExampleSums);
  CPPUNIT_TEST(emptyAndZeroesSumToZero);
  CPPUNIT_TEST(onesSumToAllOnes);
  CPPUNIT_TEST(everyAlignmentAndLengthMatchesTheDefinition);
  CPPUNIT_TEST(fullSizedSegmentsMatchTheDefinition);
  CPPUNIT_TEST_SUITE_END();

 public:
  // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to dd f2.
  void rfc1071ExampleSums() {
    const std::uint8_t bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    CPPUNIT_ASSERT_EQUAL(asLwipReturnsIt(0xddf2), rtk_lwip_chksum(bytes, sizeof bytes));
  }

  void emptyAndZeroesSumToZero() {
    const std::vector<std::uint8_t> zeroes(100, 0);
    CPPUNIT_ASSERT_EQUAL(std::uint16_t{0}, rtk_lwip_chksum(zeroes.data(), 0));
    CPPUNIT_ASSERT_EQUAL(std::uint16_t{0}, rtk_lwip_chksum(zeroes.data(), 100));
    CPPUNIT_ASSERT_EQUAL(std::uint16_t{0}, rtk_lwip_chksum(zeroes.data() + 1, 37));
  }

  // Many carries: 0xffff words stay 0xffff however many are added.
  void onesSumToAllOnes() {
    const std::vector<std::uint8_t> ones(65534, 0xff);
    CPPUNIT_ASSERT_EQUAL(std::uint16_t{0xffff}, rtk_lwip_chksum(ones.data(), 65534));
    CPPUNIT_ASSERT_EQUAL(std::uint16_t{0xffff}, rtk_lwip_chksum(ones.data() + 1, 65533 - 1));
  }

  void everyAlignmentAndLengthMatchesTheDefinition() {
    std::mt19937 rng(1071);
    std::vector<std::uint8_t> buf(256 + 16);
    for (int round = 0; round < 4; ++round) {
      for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
      for (std::size_t offset = 0; offset < 16; ++offset)
        for (std::size_t n = 0; n <= 256; ++n)
          CPPUNIT_ASSERT_EQUAL_MESSAGE("offset " + std::to_string(offset) + " length " + std::to_string(n),
                                       asLwipReturnsIt(rfc1071Sum(buf.data() + offset, n)),
                                       rtk_lwip_chksum(buf.data() + offset, static_cast<int>(n)));
    }
  }

  void fullSizedSegmentsMatchTheDefinition() {
    std::mt19937 rng(65535);
    std::vector<std::uint8_t> buf(65536 + 8);
    for (auto& b : buf) b = static_cast<std::uint8_t>(rng() | 0x80);  // high bytes: many carries
    for (std::size_t n : {std::size_t{1220}, std::size_t{1440}, std::size_t{65475}, std::size_t{65535}})
      for (std::size_t offset : {std::size_t{0}, std::size_t{3}})
        CPPUNIT_ASSERT_EQUAL(asLwipReturnsIt(rfc1071Sum(buf.data() + offset, n)),
                             rtk_lwip_chksum(buf.data() + offset, static_cast<int>(n)));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LwipChecksumTest);
