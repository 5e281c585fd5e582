#include <cppunit/extensions/HelperMacros.h>

#include <limits>
#include <string>

#include "core/session/SessionWire.hpp"
#include "core/session/TrafficHeader.hpp"
#include "unit/core/crypto/TestVectors.hpp"

using rtk::core::Bytes;
using rtk::core::ByteView;
using namespace rtk::core::session;

static constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();

namespace {
Bytes padded(Bytes b, std::size_t to = kTrafficOverheadMin) {
  if (b.size() < to) b.resize(to, 0xee);
  return b;
}
}  // namespace

class TrafficHeaderTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TrafficHeaderTest);
  CPPUNIT_TEST(roundTripsValuesOfEveryLength);
  CPPUNIT_TEST(parsesEveryGoTrafficPacket);
  CPPUNIT_TEST(acceptsNonMinimalUvarintsLikeGo);
  CPPUNIT_TEST(rejectsOverflowTruncationShortAndWrongType);
  CPPUNIT_TEST_SUITE_END();

 public:
  void roundTripsValuesOfEveryLength() {
    const std::uint64_t values[] = {0, 1, 127, 128, 16383, 16384, 1ull << 35, 1ull << 63, kMax64};
    for (auto a : values)
      for (auto b : values)
        for (auto n : {std::uint64_t(1), kMax64, std::uint64_t(300)}) {
          TrafficHeader h{a, b, n};
          Bytes out;
          h.encode(out);
          CPPUNIT_ASSERT(out.size() <= 1 + 30);
          const std::size_t size = out.size();
          auto d = TrafficHeader::decode(ByteView(padded(out)));
          CPPUNIT_ASSERT(d.has_value());
          CPPUNIT_ASSERT(d->header == h);
          CPPUNIT_ASSERT_EQUAL(size, d->size);
        }
    // The largest header plus the minimum box is exactly the session overhead.
    Bytes big;
    TrafficHeader{kMax64, kMax64, kMax64}.encode(big);
    CPPUNIT_ASSERT_EQUAL(kTrafficOverhead, big.size() + 16 + 32);
  }

  void parsesEveryGoTrafficPacket() {
    int n = 0;
    for (const char* file : {"/basic.txt", "/crossfire1.txt"}) {
      for (auto& row : rtk::test::readVectors(std::string(RTK_SESSION_DATA) + file)) {
        if (row.size() < 4 || row[1] != "out") continue;
        auto packet = rtk::test::unhex(row[3]);
        if (packet[0] != 3) continue;
        auto d = TrafficHeader::decode(ByteView(packet));
        CPPUNIT_ASSERT(d.has_value());
        Bytes again;
        d->header.encode(again);
        CPPUNIT_ASSERT(Bytes(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(d->size)) == again);
        CPPUNIT_ASSERT(d->header.nonce > 0);
        ++n;
      }
    }
    CPPUNIT_ASSERT(n > 100);
  }

  void acceptsNonMinimalUvarintsLikeGo() {
    auto d = TrafficHeader::decode(ByteView(padded({3, 0x80, 0x00, 0x81, 0x80, 0x00, 0x82, 0x00})));
    CPPUNIT_ASSERT(d.has_value());
    CPPUNIT_ASSERT((d->header == TrafficHeader{0, 1, 2}));
    CPPUNIT_ASSERT_EQUAL(std::size_t(8), d->size);
    // Ten bytes with a final 1: the largest value Go reads.
    d = TrafficHeader::decode(ByteView(padded({3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0})));
    CPPUNIT_ASSERT(d && d->header.localKeySeq == kMax64);
  }

  void rejectsOverflowTruncationShortAndWrongType() {
    // A tenth byte above 1 overflows.
    CPPUNIT_ASSERT(!TrafficHeader::decode(ByteView(padded({3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}))));
    // An eleventh byte overflows.
    CPPUNIT_ASSERT(!TrafficHeader::decode(
        ByteView(padded({3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}))));
    // Varints running to the end of the packet.
    Bytes runOn(kTrafficOverheadMin, 0x80);
    runOn[0] = 3;
    runOn[1] = 1;
    runOn[2] = 1;
    CPPUNIT_ASSERT(!TrafficHeader::decode(ByteView(runOn)));
    // Below the minimum size, or not traffic.
    Bytes ok = padded({3, 1, 1, 1});
    CPPUNIT_ASSERT(TrafficHeader::decode(ByteView(ok)).has_value());
    CPPUNIT_ASSERT(!TrafficHeader::decode(ByteView(ok).first(kTrafficOverheadMin - 1)));
    for (std::uint8_t t : {0, 1, 2, 4, 255}) {
      Bytes other = ok;
      other[0] = t;
      CPPUNIT_ASSERT(!TrafficHeader::decode(ByteView(other)));
    }
    CPPUNIT_ASSERT(!TrafficHeader::decode(ByteView()));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TrafficHeaderTest);
