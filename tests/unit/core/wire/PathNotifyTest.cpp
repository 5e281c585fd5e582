#include <cppunit/extensions/HelperMacros.h>

#include "WireVectors.hpp"
#include "core/wire/PathNotify.hpp"
#include "core/wire/WireTypes.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::core;
using rtk::test::hex;
using rtk::test::vectorKey;
using rtk::test::vectorPublic;
using rtk::test::vectorsOf;

class PathNotifyTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PathNotifyTest);
  CPPUNIT_TEST(signsAndEncodesLikeGo);
  CPPUNIT_TEST(checkDetectsTampering);
  CPPUNIT_TEST(rejectsTrailingBytes);
  CPPUNIT_TEST_SUITE_END();

 public:
  void signsAndEncodesLikeGo() {
    for (auto* r : vectorsOf("notify")) {
      const auto source = vectorKey(r->num("source"));
      wire::PathNotify n;
      n.path = r->ports("path");
      n.watermark = r->num("watermark");
      n.source = source.publicKey();
      n.dest = vectorPublic(r->num("dest"));
      n.info.seq = r->num("seq");
      n.info.path = r->ports("infopath");
      CPPUNIT_ASSERT_EQUAL(r->at("infosig"), hex(n.info.bytesForSig()));
      n.info.sign(source);
      Bytes frame{std::uint8_t(wire::PacketType::PathNotify)};
      n.encode(frame);
      CPPUNIT_ASSERT_EQUAL(r->at("frame"), hex(frame));
      CPPUNIT_ASSERT_EQUAL(frame.size() - 1, n.size());
      const auto back = wire::PathNotify::decode(ByteView(frame).subspan(1));
      CPPUNIT_ASSERT(back == n);
      CPPUNIT_ASSERT_EQUAL(r->flag("check"), back.check());
    }
  }

  void checkDetectsTampering() {
    const auto source = vectorKey(3);
    wire::PathNotify n;
    n.source = source.publicKey();
    n.dest = vectorPublic(1);
    n.info.seq = 99;
    n.info.path = {1, 2};
    n.info.sign(source);
    CPPUNIT_ASSERT(n.check());
    n.path = {7, 7};  // the routing path and watermark are not signed
    n.watermark = 3;
    CPPUNIT_ASSERT(n.check());
    n.info.path = {1, 3};
    CPPUNIT_ASSERT(!n.check());
    n.info.path = {1, 2};
    n.info.seq = 100;
    CPPUNIT_ASSERT(!n.check());
    wire::PathNotifyInfo a{5, {1}, {}}, b{5, {1}, {}};
    b.sig[0] = 1;
    CPPUNIT_ASSERT(a.sameContent(b));
    b.path.push_back(2);
    CPPUNIT_ASSERT(!a.sameContent(b));
  }

  void rejectsTrailingBytes() {
    const Bytes frame = vectorsOf("notify").front()->bytes("frame");
    Bytes body(frame.begin() + 1, frame.end());
    body.push_back(0);
    CPPUNIT_ASSERT_THROW(wire::PathNotify::decode(body), rtk::Error);
    body.resize(body.size() - 2);
    CPPUNIT_ASSERT_THROW(wire::PathNotify::decode(body), rtk::Error);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PathNotifyTest);
