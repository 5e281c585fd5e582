#include <cppunit/extensions/HelperMacros.h>

#include "core/link/FrameReader.hpp"
#include "core/link/VersionMetadata.hpp"
#include "ratatoskr/error.hpp"
#include "support/TestData.hpp"

using rtk::core::Bytes;
using rtk::core::ByteView;
using rtk::core::link::FrameReader;
using rtk::core::link::VersionMetadata;

namespace {

std::vector<Bytes> feedAll(FrameReader& reader, ByteView data, std::size_t chunk) {
  std::vector<Bytes> frames;
  for (std::size_t i = 0; i < data.size(); i += chunk)
    reader.feed(data.subspan(i, std::min(chunk, data.size() - i)),
                [&](ByteView f) { frames.emplace_back(f.begin(), f.end()); });
  return frames;
}

Bytes afterMetadata(const Bytes& stream) {
  std::size_t n = VersionMetadata::messageBytes(ByteView(stream).first(6));
  return Bytes(stream.begin() + static_cast<std::ptrdiff_t>(n), stream.end());
}

}  // namespace

class FrameReaderTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FrameReaderTest);
  CPPUNIT_TEST(splitsRealNodeTrafficAtAnyChunking);
  CPPUNIT_TEST(uvarintRoundTripsAndOverflows);
  CPPUNIT_TEST(emptyFrameClosesTheLink);
  CPPUNIT_TEST(oversizedFrameClosesTheLink);
  CPPUNIT_TEST(largestFrameIsAccepted);
  CPPUNIT_TEST(frameTypesOfOutboundBytes);
  CPPUNIT_TEST(gateHoldsFramesBackInOrder);
  CPPUNIT_TEST_SUITE_END();

 public:
  void splitsRealNodeTrafficAtAnyChunking() {
    // What the real listener sent after its metadata: sigreq, bloom, sigres, announce, ...
    Bytes frames = afterMetadata(rtk::test::testData("real-tcp-listener-to-dialer.bin"));
    const std::vector<std::uint8_t> types = {2, 5, 3, 4, 3, 5, 5};
    for (std::size_t chunk : {std::size_t(1), std::size_t(2), std::size_t(7), std::size_t(64), frames.size()}) {
      FrameReader reader;
      auto got = feedAll(reader, frames, chunk);
      CPPUNIT_ASSERT_EQUAL(types.size(), got.size());
      for (std::size_t i = 0; i < types.size(); ++i) CPPUNIT_ASSERT_EQUAL(types[i], got[i][0]);
      CPPUNIT_ASSERT_EQUAL(std::size_t(12), got[0].size());
      CPPUNIT_ASSERT_EQUAL(std::size_t(0), reader.buffered());
    }
    // The dialer's side ends with a keepalive: [0x01, 0x01].
    FrameReader reader;
    auto got = feedAll(reader, afterMetadata(rtk::test::testData("real-tcp-dialer-to-listener.bin")), 3);
    CPPUNIT_ASSERT(got.back() == Bytes{0x01});
  }

  // The link's gate (the router's inbox is full) stops delivery before a
  // frame; the held frames come first, in order, once it opens, whether they
  // came from the fast path or the buffer.
  void gateHoldsFramesBackInOrder() {
    Bytes frames = afterMetadata(rtk::test::testData("real-tcp-listener-to-dialer.bin"));
    const std::vector<std::uint8_t> types = {2, 5, 3, 4, 3, 5, 5};
    for (std::size_t chunk : {std::size_t(5), frames.size()}) {
      FrameReader reader;
      std::vector<std::uint8_t> got;
      std::size_t room = 2;
      const FrameReader::FrameHandler handle = [&](ByteView f) {
        got.push_back(f[0]);
        --room;
      };
      const FrameReader::FrameGate gate = [&] { return room > 0; };
      for (std::size_t i = 0; i < frames.size(); i += chunk)
        reader.feed(ByteView(frames).subspan(i, std::min(chunk, frames.size() - i)), handle, gate);
      CPPUNIT_ASSERT_EQUAL(std::size_t(2), got.size());
      CPPUNIT_ASSERT(reader.buffered() > 0);
      room = 3;
      reader.feed({}, handle, gate);
      CPPUNIT_ASSERT_EQUAL(std::size_t(5), got.size());
      room = 100;
      reader.feed({}, handle, gate);
      CPPUNIT_ASSERT(got == types);
      CPPUNIT_ASSERT_EQUAL(std::size_t(0), reader.buffered());
    }
  }

  void uvarintRoundTripsAndOverflows() {
    for (std::uint64_t v : {0ull, 1ull, 127ull, 128ull, 300ull, 131070ull, 0xffffffffull, ~0ull}) {
      Bytes b;
      FrameReader::appendUvarint(b, v);
      auto r = FrameReader::readUvarint(b);
      CPPUNIT_ASSERT(r);
      CPPUNIT_ASSERT_EQUAL(v, r->value);
      CPPUNIT_ASSERT_EQUAL(b.size(), r->bytes);
      CPPUNIT_ASSERT(!FrameReader::readUvarint(ByteView(b).first(b.size() - 1)));
    }
    Bytes overflow(9, 0xff);
    overflow.push_back(0x02);
    CPPUNIT_ASSERT_THROW(FrameReader::readUvarint(overflow), rtk::Error);
  }

  void emptyFrameClosesTheLink() {
    FrameReader reader;
    Bytes data = {0x01, 0x01, 0x00};
    int frames = 0;
    try {
      reader.feed(data, [&](ByteView) { ++frames; });
      CPPUNIT_FAIL("a zero-length frame must throw");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Protocol);
      CPPUNIT_ASSERT(std::string(e.what()).find("empty message") != std::string::npos);
    }
    CPPUNIT_ASSERT_EQUAL(1, frames);  // the keepalive before it was delivered
  }

  void oversizedFrameClosesTheLink() {
    FrameReader reader;
    Bytes prefix;
    FrameReader::appendUvarint(prefix, rtk::core::wire::kMaxMessageSize + 1);
    try {
      reader.feed(prefix, [](ByteView) {});
      CPPUNIT_FAIL("an oversized length must throw before the payload arrives");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Protocol);
      CPPUNIT_ASSERT(std::string(e.what()).find("oversized message") != std::string::npos);
    }
  }

  void largestFrameIsAccepted() {
    Bytes data;
    FrameReader::appendUvarint(data, rtk::core::wire::kMaxMessageSize);
    data.resize(data.size() + rtk::core::wire::kMaxMessageSize, 0x09);
    FrameReader reader;
    auto got = feedAll(reader, data, 4096);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), got.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(rtk::core::wire::kMaxMessageSize), got[0].size());
  }

  void frameTypesOfOutboundBytes() {
    Bytes frames = afterMetadata(rtk::test::testData("real-tcp-listener-to-dialer.bin"));
    std::vector<std::uint8_t> types;
    FrameReader::forEachFrameType(frames, [&](std::uint8_t t) { types.push_back(t); });
    CPPUNIT_ASSERT((types == std::vector<std::uint8_t>{2, 5, 3, 4, 3, 5, 5}));
    types.clear();
    FrameReader::forEachFrameType(ByteView(frames).first(20), [&](std::uint8_t t) { types.push_back(t); });
    CPPUNIT_ASSERT((types == std::vector<std::uint8_t>{2}));  // stops at the incomplete second frame
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FrameReaderTest);
