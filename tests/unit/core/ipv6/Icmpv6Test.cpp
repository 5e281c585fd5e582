#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>

#include "core/ipv6/Icmpv6.hpp"
#include "ratatoskr/error.hpp"

using rtk::core::Bytes;
using rtk::core::ipv6::Icmpv6;

namespace {

// The input packet the Go reference used (see data/ptb_vectors.txt).
Bytes referencePacket(std::size_t size) {
  Bytes b(size, 0);
  b[0] = 0x60;
  b[1] = 0x0a;
  b[2] = 0xbc;
  b[3] = 0xde;
  b[4] = static_cast<std::uint8_t>((size - 40) >> 8);
  b[5] = static_cast<std::uint8_t>(size - 40);
  b[6] = 17;
  b[7] = 64;
  const std::uint8_t src[16] = {0x02, 0x01, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 1, 2, 3, 4, 5, 6, 7, 8};
  const std::uint8_t dst[16] = {0x02, 0x05, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
                                0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
  std::copy(src, src + 16, b.begin() + 8);
  std::copy(dst, dst + 16, b.begin() + 24);
  for (std::size_t i = 40; i < size; ++i) b[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return b;
}

Bytes fromHex(const std::string& h) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

// RFC 1071 verification, written independently of Icmpv6::checksum: build
// the pseudo-header and the message (checksum included) as one buffer; its
// one's complement sum must be 0xffff.
bool checksumVerifies(const Bytes& packet) {
  Bytes buf;
  buf.insert(buf.end(), packet.begin() + 8, packet.begin() + 40);  // source, destination
  std::uint32_t len = static_cast<std::uint32_t>(packet.size() - 40);
  for (int shift = 24; shift >= 0; shift -= 8) buf.push_back(static_cast<std::uint8_t>(len >> shift));
  buf.insert(buf.end(), {0, 0, 0, 58});
  buf.insert(buf.end(), packet.begin() + 40, packet.end());
  if (buf.size() % 2) buf.push_back(0);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < buf.size(); i += 2) sum += (buf[i] << 8) | buf[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  return sum == 0xffff;
}

}  // namespace

class Icmpv6Test : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(Icmpv6Test);
  CPPUNIT_TEST(matchesYggdrasilByteForByte);
  CPPUNIT_TEST(checksumVerifiesIndependently);
  CPPUNIT_TEST(headerFields);
  CPPUNIT_TEST(refusesShortInput);
  CPPUNIT_TEST_SUITE_END();

 public:
  void matchesYggdrasilByteForByte() {
    std::ifstream in(RTK_IPV6_TEST_DATA "/ptb_vectors.txt");
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream ss(line);
      std::size_t size;
      std::string hex;
      ss >> size >> hex;
      Bytes got = Icmpv6::packetTooBig(referencePacket(size), 1280);
      CPPUNIT_ASSERT_MESSAGE(std::to_string(size), got == fromHex(hex));
      ++n;
    }
    CPPUNIT_ASSERT_EQUAL(3, n);
  }

  void checksumVerifiesIndependently() {
    for (std::size_t size : {40u, 41u, 300u, 1281u, 65535u}) {
      Bytes p = referencePacket(size);
      Bytes ptb = Icmpv6::packetTooBig(p, 1300);
      CPPUNIT_ASSERT_MESSAGE(std::to_string(size), checksumVerifies(ptb));
      ptb[60] ^= 0x01;  // any change breaks it
      CPPUNIT_ASSERT(!checksumVerifies(ptb));
    }
  }

  void headerFields() {
    Bytes p = referencePacket(2000);
    Bytes ptb = Icmpv6::packetTooBig(p, 0x12345678);
    CPPUNIT_ASSERT_EQUAL(std::size_t(40 + 8 + 512), ptb.size());
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0x60), ptb[0]);
    CPPUNIT_ASSERT_EQUAL(0, ptb[1] | ptb[2] | ptb[3]);
    CPPUNIT_ASSERT_EQUAL(520, ptb[4] << 8 | ptb[5]);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(58), ptb[6]);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(255), ptb[7]);
    CPPUNIT_ASSERT(std::equal(p.begin() + 24, p.begin() + 40, ptb.begin() + 8));   // from the original destination
    CPPUNIT_ASSERT(std::equal(p.begin() + 8, p.begin() + 24, ptb.begin() + 24));   // to the original source
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(2), ptb[40]);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), ptb[41]);
    CPPUNIT_ASSERT(Bytes(ptb.begin() + 44, ptb.begin() + 48) == Bytes({0x12, 0x34, 0x56, 0x78}));
    CPPUNIT_ASSERT(std::equal(p.begin(), p.begin() + 512, ptb.begin() + 48));
    Bytes small = referencePacket(100);
    CPPUNIT_ASSERT_EQUAL(std::size_t(40 + 8 + 100), Icmpv6::packetTooBig(small, 1280).size());
  }

  void refusesShortInput() {
    try {
      Icmpv6::packetTooBig(Bytes(39, 0x60), 1280);
      CPPUNIT_FAIL("accepted a truncated header");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::InvalidArgument);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(Icmpv6Test);
