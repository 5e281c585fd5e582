#include <cppunit/extensions/HelperMacros.h>

#include "WireVectors.hpp"
#include "core/wire/PathLookup.hpp"
#include "core/wire/WireTypes.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::core;
using rtk::test::hex;
using rtk::test::vectorPublic;
using rtk::test::vectorsOf;

class PathLookupTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PathLookupTest);
  CPPUNIT_TEST(matchesGo);
  CPPUNIT_TEST(rejectsTrailingBytesAndUnterminatedPath);
  CPPUNIT_TEST_SUITE_END();

 public:
  void matchesGo() {
    for (auto* r : vectorsOf("lookup")) {
      wire::PathLookup l{vectorPublic(r->num("source")), vectorPublic(r->num("dest")), r->ports("from")};
      Bytes frame{std::uint8_t(wire::PacketType::PathLookup)};
      l.encode(frame);
      CPPUNIT_ASSERT_EQUAL(r->at("frame"), hex(frame));
      CPPUNIT_ASSERT_EQUAL(frame.size() - 1, l.size());
      CPPUNIT_ASSERT(l == wire::PathLookup::decode(ByteView(frame).subspan(1)));
    }
  }

  void rejectsTrailingBytesAndUnterminatedPath() {
    wire::PathLookup l{vectorPublic(0), vectorPublic(1), {1, 2}};
    Bytes body;
    l.encode(body);
    body.push_back(0);
    CPPUNIT_ASSERT_THROW(wire::PathLookup::decode(body), rtk::Error);
    body.resize(body.size() - 2);  // drop the terminator
    CPPUNIT_ASSERT_THROW(wire::PathLookup::decode(body), rtk::Error);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PathLookupTest);
