#include <cppunit/extensions/HelperMacros.h>

#include "core/util/Bytes.hpp"

using rtk::core::Bytes;
using rtk::core::OffsetBytes;

class OffsetBytesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(OffsetBytesTest);
  CPPUNIT_TEST(viewStartsAtTheOffset);
  CPPUNIT_TEST(skipMovesThePayloadStartNotTheBytes);
  CPPUNIT_TEST(takeMovesTheMessageToTheFront);
  CPPUNIT_TEST(aWholeBufferHasOffsetZeroAndKeepsItsStorage);
  CPPUNIT_TEST_SUITE_END();

 public:
  void viewStartsAtTheOffset() {
    OffsetBytes m(Bytes{9, 9, 9, 1, 2, 3}, 3);
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, m.size());
    CPPUNIT_ASSERT(!m.empty());
    CPPUNIT_ASSERT_EQUAL(std::uint8_t{1}, m[0]);
    CPPUNIT_ASSERT(m.data() == m.buffer.data() + 3);
    CPPUNIT_ASSERT((Bytes(m.view().begin(), m.view().end()) == Bytes{1, 2, 3}));
  }

  void skipMovesThePayloadStartNotTheBytes() {
    OffsetBytes m(Bytes{7, 1, 2});
    const std::uint8_t* storage = m.buffer.data();
    m.skip(1);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, m.size());
    CPPUNIT_ASSERT(m.buffer.data() == storage);
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, m.buffer.size());
    m.skip(2);
    CPPUNIT_ASSERT(m.empty());
  }

  void takeMovesTheMessageToTheFront() {
    OffsetBytes m(Bytes{9, 9, 4, 5}, 2);
    Bytes out = std::move(m).take();
    CPPUNIT_ASSERT((out == Bytes{4, 5}));
  }

  void aWholeBufferHasOffsetZeroAndKeepsItsStorage() {
    Bytes b{1, 2, 3};
    const std::uint8_t* storage = b.data();
    OffsetBytes m = std::move(b);
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, m.offset);
    Bytes out = std::move(m).take();
    CPPUNIT_ASSERT(out.data() == storage);
    CPPUNIT_ASSERT((out == Bytes{1, 2, 3}));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OffsetBytesTest);
