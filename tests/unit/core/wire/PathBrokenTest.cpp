#include <cppunit/extensions/HelperMacros.h>

#include "WireVectors.hpp"
#include "core/wire/PathBroken.hpp"
#include "core/wire/WireTypes.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::core;
using rtk::test::hex;
using rtk::test::vectorPublic;
using rtk::test::vectorsOf;

class PathBrokenTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PathBrokenTest);
  CPPUNIT_TEST(matchesGo);
  CPPUNIT_TEST(rejectsTrailingBytes);
  CPPUNIT_TEST_SUITE_END();

 public:
  void matchesGo() {
    for (auto* r : vectorsOf("broken")) {
      wire::PathBroken b{r->ports("path"), r->num("watermark"), vectorPublic(r->num("source")), vectorPublic(r->num("dest"))};
      Bytes frame{std::uint8_t(wire::PacketType::PathBroken)};
      b.encode(frame);
      CPPUNIT_ASSERT_EQUAL(r->at("frame"), hex(frame));
      CPPUNIT_ASSERT_EQUAL(frame.size() - 1, b.size());
      CPPUNIT_ASSERT(b == wire::PathBroken::decode(ByteView(frame).subspan(1)));
    }
  }

  void rejectsTrailingBytes() {
    wire::PathBroken b{{4}, 1, vectorPublic(0), vectorPublic(1)};
    Bytes body;
    b.encode(body);
    body.push_back(5);
    CPPUNIT_ASSERT_THROW(wire::PathBroken::decode(body), rtk::Error);
    body.resize(body.size() - 2);
    CPPUNIT_ASSERT_THROW(wire::PathBroken::decode(body), rtk::Error);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PathBrokenTest);
