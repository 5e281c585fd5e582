#include "FrameSplitter.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <string>

using rtk::interop::FrameSplitter;
using rtk::interop::SplitStream;
using Bytes = std::vector<std::uint8_t>;

namespace {

// A metadata message as yggdrasil 0.5 writes it: version 0.5, a key of
// 0x11 bytes, priority 7, and a (fake) signature of 0x5a bytes.
Bytes meta() {
  Bytes body = {0, 0, 0, 2, 0, 0, 0, 1, 0, 2, 0, 5, 0, 2, 0, 32};
  body.insert(body.end(), 32, 0x11);
  body.insert(body.end(), {0, 3, 0, 1, 7});
  body.insert(body.end(), 64, 0x5a);
  // Built by push_back: g++ 12 -O2 misreports insert() after an
  // initializer-list construction as out of bounds (-Warray-bounds).
  Bytes out;
  out.reserve(6 + body.size());
  for (char c : std::string("meta")) out.push_back(static_cast<std::uint8_t>(c));
  out.push_back(static_cast<std::uint8_t>(body.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(body.size() & 0xff));
  for (std::uint8_t b : body) out.push_back(b);
  return out;
}

void appendFrame(Bytes& stream, std::uint8_t type, std::size_t payloadBytes) {
  std::uint64_t length = payloadBytes + 1;
  while (length >= 0x80) {
    stream.push_back(static_cast<std::uint8_t>(length | 0x80));
    length >>= 7;
  }
  stream.push_back(static_cast<std::uint8_t>(length));
  stream.push_back(type);
  for (std::size_t i = 0; i < payloadBytes; ++i) stream.push_back(static_cast<std::uint8_t>(i));
}

}  // namespace

class FrameSplitterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FrameSplitterTest);
  CPPUNIT_TEST(splitsMetaAndFrames);
  CPPUNIT_TEST(keepsATruncatedTailAside);
  CPPUNIT_TEST(stopsAtAnOversizedLength);
  CPPUNIT_TEST(rejectsAStreamWithoutMeta);
  CPPUNIT_TEST(namesTypes);
  CPPUNIT_TEST_SUITE_END();

 public:
  void splitsMetaAndFrames() {
    Bytes stream = meta();
    const std::size_t metaBytes = stream.size();
    appendFrame(stream, 2, 0);      // SigReq-like, empty payload
    appendFrame(stream, 1, 0);      // KeepAlive
    appendFrame(stream, 9, 300);    // Traffic, two-byte uvarint
    const SplitStream s = FrameSplitter::split(stream);
    CPPUNIT_ASSERT(s.error.empty());
    CPPUNIT_ASSERT_EQUAL(metaBytes, s.meta.size());
    CPPUNIT_ASSERT(s.metaInfo.parsed);
    CPPUNIT_ASSERT_EQUAL(0, s.metaInfo.versionMajor);
    CPPUNIT_ASSERT_EQUAL(5, s.metaInfo.versionMinor);
    CPPUNIT_ASSERT_EQUAL(std::string(64, '1'), s.metaInfo.publicKeyHex);
    CPPUNIT_ASSERT_EQUAL(7, s.metaInfo.priority);
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, s.frames.size());
    CPPUNIT_ASSERT_EQUAL(std::uint8_t{2}, s.frames[0].type());
    CPPUNIT_ASSERT_EQUAL(metaBytes, s.frames[0].offset);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, s.frames[1].body.size());
    CPPUNIT_ASSERT_EQUAL(std::uint8_t{9}, s.frames[2].type());
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, s.frames[2].prefixBytes);
    CPPUNIT_ASSERT_EQUAL(std::size_t{301}, s.frames[2].body.size());
    CPPUNIT_ASSERT_EQUAL(std::uint8_t{299 & 0xff}, s.frames[2].body.back());
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, s.trailingBytes);
  }

  void keepsATruncatedTailAside() {
    Bytes stream = meta();
    appendFrame(stream, 1, 0);
    appendFrame(stream, 9, 50);
    stream.resize(stream.size() - 10);
    const SplitStream s = FrameSplitter::split(stream);
    CPPUNIT_ASSERT(s.error.empty());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, s.frames.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1 + 1 + 50 - 10}, s.trailingBytes);  // prefix, type, payload, minus the cut
  }

  void stopsAtAnOversizedLength() {
    Bytes stream = meta();
    appendFrame(stream, 1, 0);
    // uvarint 131071 = 65535*2 + 1: one more than yggdrasil accepts.
    stream.insert(stream.end(), {0xff, 0xff, 0x07, 9});
    const SplitStream s = FrameSplitter::split(stream);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, s.frames.size());
    CPPUNIT_ASSERT(s.error.find("131071") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, s.trailingBytes);
  }

  void rejectsAStreamWithoutMeta() {
    const SplitStream s = FrameSplitter::split(Bytes{'G', 'E', 'T', ' ', '/', ' '});
    CPPUNIT_ASSERT(s.meta.empty());
    CPPUNIT_ASSERT(s.error.find("meta") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::size_t{6}, s.trailingBytes);
  }

  void namesTypes() {
    CPPUNIT_ASSERT_EQUAL(std::string("KeepAlive"), FrameSplitter::typeName(1));
    CPPUNIT_ASSERT_EQUAL(std::string("BloomFilter"), FrameSplitter::typeName(5));
    CPPUNIT_ASSERT_EQUAL(std::string("Traffic"), FrameSplitter::typeName(9));
    CPPUNIT_ASSERT_EQUAL(std::string("Unknown(10)"), FrameSplitter::typeName(10));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FrameSplitterTest);
