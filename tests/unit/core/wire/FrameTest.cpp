#include <cppunit/extensions/HelperMacros.h>

#include "WireVectors.hpp"
#include "core/wire/Frame.hpp"
#include "core/wire/SigReq.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::core;
using rtk::test::vectorsOf;

class FrameTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FrameTest);
  CPPUNIT_TEST(appendFramePrefixesTheLength);
  CPPUNIT_TEST(splitterReassemblesFramesFedByteByByte);
  CPPUNIT_TEST(splitterRejectsOversizedAndBadLengths);
  CPPUNIT_TEST_SUITE_END();

 public:
  void appendFramePrefixesTheLength() {
    Bytes out;
    wire::appendFrame(out, wire::PacketType::SigReq, wire::SigReq{1, 300});
    CPPUNIT_ASSERT((out == Bytes{4, 2, 1, 0xac, 0x02}));
  }

  void splitterReassemblesFramesFedByteByByte() {
    std::vector<Bytes> frames;
    for (const char* kind : {"sigres", "announce", "lookup", "notify", "broken", "traffic", "bloom"})
      for (auto* r : vectorsOf(kind)) frames.push_back(r->bytes("frame"));
    frames.push_back(Bytes{});  // an empty frame is still a frame (the router rejects it)
    Bytes stream;
    for (auto& f : frames) {
      wire::appendUvarint(stream, f.size());
      stream.insert(stream.end(), f.begin(), f.end());
    }
    wire::FrameSplitter splitter;
    std::vector<Bytes> got;
    for (auto b : stream) {
      splitter.feed(ByteView(&b, 1));
      while (auto f = splitter.next()) got.emplace_back(f->begin(), f->end());
    }
    CPPUNIT_ASSERT_EQUAL(frames.size(), got.size());
    for (std::size_t i = 0; i < frames.size(); ++i) CPPUNIT_ASSERT(frames[i] == got[i]);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), splitter.buffered());
  }

  void splitterRejectsOversizedAndBadLengths() {
    wire::FrameSplitter splitter(100);
    Bytes len;
    wire::appendUvarint(len, 101);
    splitter.feed(len);
    CPPUNIT_ASSERT_THROW(splitter.next(), rtk::Error);
    wire::FrameSplitter bad;
    bad.feed(Bytes(11, 0x80));
    CPPUNIT_ASSERT_THROW(bad.next(), rtk::Error);
    wire::FrameSplitter partial;
    partial.feed(Bytes{5, 1, 2});
    CPPUNIT_ASSERT(!partial.next());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FrameTest);
