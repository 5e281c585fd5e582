#include <cppunit/extensions/HelperMacros.h>

#include "WireVectors.hpp"
#include "core/wire/SigReq.hpp"
#include "core/wire/WireTypes.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::core;
using rtk::test::hex;
using rtk::test::vectorsOf;

class SigReqTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SigReqTest);
  CPPUNIT_TEST(matchesGoEncodingAndSignedBytes);
  CPPUNIT_TEST(rejectsTrailingAndTruncatedBodies);
  CPPUNIT_TEST_SUITE_END();

 public:
  void matchesGoEncodingAndSignedBytes() {
    const auto node = rtk::test::vectorPublic(0), parent = rtk::test::vectorPublic(1);
    for (auto* r : vectorsOf("sigreq")) {
      wire::SigReq req{r->num("seq"), r->num("nonce")};
      Bytes frame{static_cast<std::uint8_t>(wire::PacketType::SigReq)};
      req.encode(frame);
      CPPUNIT_ASSERT_EQUAL(r->at("frame"), hex(frame));
      CPPUNIT_ASSERT_EQUAL(frame.size() - 1, req.size());
      CPPUNIT_ASSERT_EQUAL(r->at("sigbytes"), hex(req.bytesForSig(node, parent)));
      const Bytes body(frame.begin() + 1, frame.end());
      CPPUNIT_ASSERT(req == wire::SigReq::decode(body));
    }
  }

  void rejectsTrailingAndTruncatedBodies() {
    CPPUNIT_ASSERT_THROW(wire::SigReq::decode(Bytes{1, 2, 3}), rtk::Error);
    CPPUNIT_ASSERT_THROW(wire::SigReq::decode(Bytes{1}), rtk::Error);
    CPPUNIT_ASSERT_THROW(wire::SigReq::decode(Bytes{1, 0x80}), rtk::Error);
    try {
      wire::SigReq::decode(Bytes{});
      CPPUNIT_FAIL("empty sigreq decoded");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Protocol);
    }
    CPPUNIT_ASSERT((wire::SigReq{1, 2} == wire::SigReq::decode(Bytes{1, 2})));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SigReqTest);
