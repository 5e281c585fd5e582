#include <cppunit/extensions/HelperMacros.h>

#include "WireVectors.hpp"
#include "core/wire/BloomFilter.hpp"
#include "core/wire/WireTypes.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::core;
using rtk::test::hex;
using rtk::test::Record;
using rtk::test::vectorsOf;
using wire::BloomFilter;

namespace {
BloomFilter::Words wordsOf(const Record& r) {
  const auto list = r.list("words");
  CPPUNIT_ASSERT_EQUAL(BloomFilter::kWords, list.size());
  BloomFilter::Words w{};
  for (std::size_t i = 0; i < list.size(); ++i) w[i] = std::stoull(list[i], nullptr, 16);
  return w;
}
Bytes frameOf(const BloomFilter& f) {
  Bytes out{std::uint8_t(wire::PacketType::BloomFilter)};
  f.encode(out);
  return out;
}
}  // namespace

class BloomFilterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BloomFilterTest);
  CPPUNIT_TEST(locationsMatchBloomV3);
  CPPUNIT_TEST(addingKeysSetsTheSameWordsAsGo);
  CPPUNIT_TEST(encodesAndDecodesLikeGo);
  CPPUNIT_TEST(testAnswersLikeGo);
  CPPUNIT_TEST(allOneWordsUseTheSecondFlagBitmap);
  CPPUNIT_TEST(mergeIsUnion);
  CPPUNIT_TEST(rejectsMalformedBodies);
  CPPUNIT_TEST_SUITE_END();

 public:
  void locationsMatchBloomV3() {
    for (auto* r : vectorsOf("bloomloc")) {
      const auto loc = BloomFilter::locations(r->bytes("in"));
      const auto want = r->list("loc");
      CPPUNIT_ASSERT_EQUAL(BloomFilter::kHashes, want.size());
      for (std::size_t i = 0; i < want.size(); ++i) CPPUNIT_ASSERT_EQUAL_MESSAGE(r->at("in"), static_cast<std::uint64_t>(std::stoull(want[i])), loc[i]);
    }
  }

  void addingKeysSetsTheSameWordsAsGo() {
    for (auto* r : vectorsOf("bloomkeys")) {
      BloomFilter f;
      for (auto& k : r->list("keys")) f.add(Record::hexBytes(k));
      CPPUNIT_ASSERT(BloomFilter(wordsOf(*r)) == f);
      CPPUNIT_ASSERT_EQUAL(r->at("frame"), hex(frameOf(f)));
    }
    int checked = 0;
    for (auto* r : vectorsOf("bloom")) {
      if (r->num("count") > 3) continue;  // only the small filters list every key
      BloomFilter f;
      for (auto& k : r->list("seedkeys")) f.add(Record::hexBytes(k));
      CPPUNIT_ASSERT(BloomFilter(wordsOf(*r)) == f);
      ++checked;
    }
    CPPUNIT_ASSERT_EQUAL(3, checked);
  }

  void encodesAndDecodesLikeGo() {
    for (auto* r : vectorsOf("bloom")) {
      const BloomFilter f(wordsOf(*r));
      const Bytes frame = frameOf(f);
      CPPUNIT_ASSERT_EQUAL(r->at("frame"), hex(frame));
      CPPUNIT_ASSERT_EQUAL(frame.size() - 1, f.size());
      CPPUNIT_ASSERT(f == BloomFilter::decode(ByteView(frame).subspan(1)));
    }
  }

  void testAnswersLikeGo() {
    for (auto* r : vectorsOf("bloom")) {
      const BloomFilter f(wordsOf(*r));
      const auto probes = r->list("probes"), results = r->list("results");
      CPPUNIT_ASSERT_EQUAL(probes.size(), results.size());
      for (std::size_t i = 0; i < probes.size(); ++i)
        CPPUNIT_ASSERT_EQUAL(results[i] == "true", f.test(Record::hexBytes(probes[i])));
    }
  }

  void allOneWordsUseTheSecondFlagBitmap() {
    auto* r = vectorsOf("bloomwords").front();
    const BloomFilter f(wordsOf(*r));
    const Bytes frame = frameOf(f);
    CPPUNIT_ASSERT_EQUAL(r->at("frame"), hex(frame));
    // word 1 is all ones: flag bit 0x40 of the first byte of the one-flags
    CPPUNIT_ASSERT(frame[1 + BloomFilter::kFlagBytes] & 0x40);
    CPPUNIT_ASSERT(frame[1] & 0x80);  // word 0 is all zeros
    CPPUNIT_ASSERT(f == BloomFilter::decode(ByteView(frame).subspan(1)));
  }

  void mergeIsUnion() {
    BloomFilter a, b;
    const Bytes k1(32, 1), k2(32, 2);
    a.add(k1);
    b.add(k2);
    CPPUNIT_ASSERT(!a.test(k2));
    a.merge(b);
    CPPUNIT_ASSERT(a.test(k1) && a.test(k2));
    BloomFilter empty;
    CPPUNIT_ASSERT_EQUAL(2 * BloomFilter::kFlagBytes, empty.size());
    CPPUNIT_ASSERT(!empty.test(k1));
  }

  void rejectsMalformedBodies() {
    BloomFilter f;
    f.add(Bytes(32, 9));
    Bytes body;
    f.encode(body);
    Bytes longer = body;
    longer.push_back(0);
    CPPUNIT_ASSERT_THROW(BloomFilter::decode(longer), rtk::Error);
    Bytes shorter(body.begin(), body.end() - 1);
    CPPUNIT_ASSERT_THROW(BloomFilter::decode(shorter), rtk::Error);
    Bytes both(2 * BloomFilter::kFlagBytes, 0xff);  // every word flagged zero and one
    CPPUNIT_ASSERT_THROW(BloomFilter::decode(both), rtk::Error);
    CPPUNIT_ASSERT_THROW(BloomFilter::decode(Bytes(31, 0xff)), rtk::Error);
    Bytes allZero(2 * BloomFilter::kFlagBytes, 0);
    for (std::size_t i = 0; i < BloomFilter::kFlagBytes; ++i) allZero[i] = 0xff;
    CPPUNIT_ASSERT(BloomFilter() == BloomFilter::decode(allZero));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BloomFilterTest);
