#include <cppunit/extensions/HelperMacros.h>

#include "WireVectors.hpp"
#include "core/wire/Traffic.hpp"
#include "core/wire/WireTypes.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::core;
using rtk::test::hex;
using rtk::test::vectorPublic;
using rtk::test::vectorsOf;

class TrafficTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TrafficTest);
  CPPUNIT_TEST(matchesGo);
  CPPUNIT_TEST(everyByteAfterTheHeaderIsPayload);
  CPPUNIT_TEST(rejectsTruncatedHeaders);
  CPPUNIT_TEST(overheadMatchesIronwoodMtu);
  CPPUNIT_TEST_SUITE_END();

 public:
  void matchesGo() {
    for (auto* r : vectorsOf("traffic")) {
      wire::Traffic t;
      t.path = r->ports("path");
      t.from = r->ports("from");
      t.source = vectorPublic(r->num("source"));
      t.dest = vectorPublic(r->num("dest"));
      t.watermark = r->num("watermark");
      t.payload = r->bytes("payload");
      Bytes frame{std::uint8_t(wire::PacketType::Traffic)};
      t.encode(frame);
      CPPUNIT_ASSERT_EQUAL(r->at("frame"), hex(frame));
      CPPUNIT_ASSERT_EQUAL(frame.size() - 1, t.size());
      CPPUNIT_ASSERT(t == wire::Traffic::decode(ByteView(frame).subspan(1)));
    }
  }

  void everyByteAfterTheHeaderIsPayload() {
    wire::Traffic t;
    t.path = {1};
    t.source = vectorPublic(0);
    t.dest = vectorPublic(1);
    Bytes body;
    t.encode(body);
    CPPUNIT_ASSERT(wire::Traffic::decode(body).payload.empty());
    body.push_back(0);
    body.push_back(0x80);
    const auto back = wire::Traffic::decode(body);
    CPPUNIT_ASSERT((back.payload == Bytes{0, 0x80}));
  }

  void rejectsTruncatedHeaders() {
    wire::Traffic t;
    t.source = vectorPublic(0);
    t.dest = vectorPublic(1);
    t.watermark = 300;  // two-byte varint
    Bytes body;
    t.encode(body);
    for (std::size_t cut = 0; cut < body.size(); ++cut)
      CPPUNIT_ASSERT_THROW(wire::Traffic::decode(ByteView(body).first(cut)), rtk::Error);
    CPPUNIT_ASSERT_NO_THROW(wire::Traffic::decode(body));
  }

  void overheadMatchesIronwoodMtu() {
    auto* r = vectorsOf("mtu").front();
    CPPUNIT_ASSERT_EQUAL(r->num("mtu"), r->num("max") - wire::Traffic::minimumOverhead() - 1);
    CPPUNIT_ASSERT_EQUAL(wire::kMaxMessageSize, r->num("max"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TrafficTest);
