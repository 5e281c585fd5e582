#include <cppunit/extensions/HelperMacros.h>

#include "WireVectors.hpp"
#include "core/wire/PortPath.hpp"
#include "core/wire/WireReader.hpp"

using namespace rtk::core;
using rtk::test::vectorsOf;
using wire::PortPath;

class PortPathTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PortPathTest);
  CPPUNIT_TEST(encodesLikeGo);
  CPPUNIT_TEST(decodesLikeGo);
  CPPUNIT_TEST(failedChopLeavesOutputAndCursorAlone);
  CPPUNIT_TEST(growsPastInlineStorageAndKeepsValueSemantics);
  CPPUNIT_TEST_SUITE_END();

 public:
  void encodesLikeGo() {
    for (auto* r : vectorsOf("path")) {
      const PortPath p = r->ports("ports");
      Bytes out;
      wire::appendPath(out, p);
      CPPUNIT_ASSERT_EQUAL(r->at("enc"), rtk::test::hex(out));
      CPPUNIT_ASSERT_EQUAL(out.size(), wire::pathSize(p));
    }
  }

  void decodesLikeGo() {
    for (auto* r : vectorsOf("pathdecode")) {
      const Bytes in = r->bytes("in");
      wire::WireReader reader(in);
      PortPath p;
      const bool ok = reader.chopPath(p);
      const int len = std::stoi(r->at("len"));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r->at("in"), len >= 0, ok);
      if (ok) {
        CPPUNIT_ASSERT_EQUAL(in.size() - static_cast<std::size_t>(len), reader.remaining());
        CPPUNIT_ASSERT(r->ports("ports") == p);
      }
    }
  }

  void failedChopLeavesOutputAndCursorAlone() {
    const Bytes in{1, 2, 3};  // no terminator
    wire::WireReader reader(in);
    PortPath p{9};
    CPPUNIT_ASSERT(!reader.chopPath(p));
    CPPUNIT_ASSERT(PortPath{9} == p);
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), reader.remaining());
  }

  void growsPastInlineStorageAndKeepsValueSemantics() {
    PortPath p;
    for (std::uint64_t i = 1; i <= 100; ++i) p.push_back(i * 1000);
    CPPUNIT_ASSERT_EQUAL(std::size_t(100), p.size());
    for (std::size_t i = 0; i < 100; ++i) CPPUNIT_ASSERT_EQUAL((i + 1) * 1000, p[i]);
    PortPath copy = p;
    CPPUNIT_ASSERT(copy == p);
    copy[0] = 7;
    CPPUNIT_ASSERT(!(copy == p));
    PortPath moved = std::move(copy);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(7), moved[0]);
    CPPUNIT_ASSERT(copy.empty());
    PortPath small{1, 2, 3};
    PortPath smallMoved = std::move(small);
    CPPUNIT_ASSERT((smallMoved == PortPath{1, 2, 3}));
    small = smallMoved;  // reuse after move
    CPPUNIT_ASSERT(small == smallMoved);
    p = small;
    CPPUNIT_ASSERT((p == PortPath{1, 2, 3}));
    p.reverse();
    CPPUNIT_ASSERT((p == PortPath{3, 2, 1}));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PortPathTest);
