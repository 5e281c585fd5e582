#include <cppunit/extensions/HelperMacros.h>

#include "WireVectors.hpp"
#include "core/wire/SigRes.hpp"
#include "core/wire/WireTypes.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::core;
using rtk::test::hex;
using rtk::test::vectorsOf;

class SigResTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SigResTest);
  CPPUNIT_TEST(matchesGoEncodingAndSignature);
  CPPUNIT_TEST(checkFailsForOtherKeysOrFields);
  CPPUNIT_TEST(rejectsTrailingBytes);
  CPPUNIT_TEST_SUITE_END();

 public:
  void matchesGoEncodingAndSignature() {
    const auto node = rtk::test::vectorPublic(0);
    const auto parentKey = rtk::test::vectorKey(1);
    for (auto* r : vectorsOf("sigres")) {
      wire::SigRes res;
      res.req = {r->num("seq"), r->num("nonce")};
      res.port = r->num("port");
      // Ed25519 signatures are deterministic: ours must equal Go's byte for byte.
      res.psig = parentKey.sign(res.bytesForSig(node, parentKey.publicKey()));
      Bytes frame{static_cast<std::uint8_t>(wire::PacketType::SigRes)};
      res.encode(frame);
      CPPUNIT_ASSERT_EQUAL(r->at("frame"), hex(frame));
      CPPUNIT_ASSERT_EQUAL(frame.size() - 1, res.size());
      const auto back = wire::SigRes::decode(ByteView(frame).subspan(1));
      CPPUNIT_ASSERT(back == res);
      CPPUNIT_ASSERT_EQUAL(r->flag("check"), back.check(node, parentKey.publicKey()));
      CPPUNIT_ASSERT_EQUAL(r->flag("checkswapped"), back.check(parentKey.publicKey(), node));
    }
  }

  void checkFailsForOtherKeysOrFields() {
    const auto node = rtk::test::vectorPublic(0);
    const auto parentKey = rtk::test::vectorKey(1);
    wire::SigRes res;
    res.req = {3, 4};
    res.port = 5;
    res.psig = parentKey.sign(res.bytesForSig(node, parentKey.publicKey()));
    CPPUNIT_ASSERT(res.check(node, parentKey.publicKey()));
    CPPUNIT_ASSERT(!res.check(rtk::test::vectorPublic(2), parentKey.publicKey()));
    auto other = res;
    other.port = 6;
    CPPUNIT_ASSERT(!other.check(node, parentKey.publicKey()));
    other = res;
    other.req.nonce = 5;
    CPPUNIT_ASSERT(!other.check(node, parentKey.publicKey()));
  }

  void rejectsTrailingBytes() {
    auto frame = rtk::test::vectorsOf("sigres").front()->bytes("frame");
    Bytes body(frame.begin() + 1, frame.end());
    CPPUNIT_ASSERT_NO_THROW(wire::SigRes::decode(body));
    body.push_back(0);
    CPPUNIT_ASSERT_THROW(wire::SigRes::decode(body), rtk::Error);
    body.resize(body.size() - 2);
    CPPUNIT_ASSERT_THROW(wire::SigRes::decode(body), rtk::Error);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SigResTest);
