#include <cppunit/extensions/HelperMacros.h>

#include "WireVectors.hpp"
#include "core/wire/Announce.hpp"
#include "core/wire/WireTypes.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::core;
using rtk::test::hex;
using rtk::test::vectorsOf;

class AnnounceTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AnnounceTest);
  CPPUNIT_TEST(decodesReencodesAndChecksLikeGo);
  CPPUNIT_TEST(signsIdenticallyToGo);
  CPPUNIT_TEST(rejectsShortAndLongBodies);
  CPPUNIT_TEST_SUITE_END();

 public:
  void decodesReencodesAndChecksLikeGo() {
    for (auto* r : vectorsOf("announce")) {
      const Bytes frame = r->bytes("frame");
      CPPUNIT_ASSERT_EQUAL(std::uint8_t(wire::PacketType::Announce), frame[0]);
      const auto ann = wire::Announce::decode(ByteView(frame).subspan(1));
      Bytes again{frame[0]};
      ann.encode(again);
      CPPUNIT_ASSERT(frame == again);
      CPPUNIT_ASSERT_EQUAL(frame.size() - 1, ann.size());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r->at("name"), r->flag("check"), ann.check());
      auto bad = ann;
      bad.sig[5] ^= 1;
      CPPUNIT_ASSERT_EQUAL(r->flag("badsig"), bad.check());
      bad = ann;
      bad.res.psig[9] ^= 1;
      CPPUNIT_ASSERT_EQUAL(r->flag("badpsig"), bad.check());
    }
  }

  void signsIdenticallyToGo() {
    // "child": node 2 under parent 1 at port 3, seq 17, nonce 0xdeadbeef.
    const auto node = rtk::test::vectorKey(2), parent = rtk::test::vectorKey(1);
    wire::Announce ann;
    ann.key = node.publicKey();
    ann.parent = parent.publicKey();
    ann.res.req = {17, 0xdeadbeef};
    ann.res.port = 3;
    const Bytes sigBytes = ann.res.bytesForSig(ann.key, ann.parent);
    ann.res.psig = parent.sign(sigBytes);
    ann.sig = node.sign(sigBytes);
    Bytes frame{std::uint8_t(wire::PacketType::Announce)};
    ann.encode(frame);
    for (auto* r : vectorsOf("announce"))
      if (r->at("name") == "child") CPPUNIT_ASSERT_EQUAL(r->at("frame"), hex(frame));
    CPPUNIT_ASSERT(ann.check());
  }

  void rejectsShortAndLongBodies() {
    const Bytes frame = vectorsOf("announce").front()->bytes("frame");
    Bytes body(frame.begin() + 1, frame.end());
    body.push_back(1);
    CPPUNIT_ASSERT_THROW(wire::Announce::decode(body), rtk::Error);
    body.resize(body.size() - 2);
    CPPUNIT_ASSERT_THROW(wire::Announce::decode(body), rtk::Error);
    CPPUNIT_ASSERT_THROW(wire::Announce::decode(Bytes(64, 0)), rtk::Error);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AnnounceTest);
