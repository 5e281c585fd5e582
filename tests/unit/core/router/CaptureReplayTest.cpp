// Real frames from yggdrasil 0.5.12 fed into our router as if it were the
// node that received them (tests/data/captures): every check passes, and
// the router settles under the real root.
#include <cppunit/extensions/HelperMacros.h>

#include "../wire/Captures.hpp"
#include "RouterTestSupport.hpp"
#include "ratatoskr/address.hpp"

using namespace rtk::test;
using namespace rtk::core;
namespace address = rtk::address;

class CaptureReplayTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CaptureReplayTest);
  CPPUNIT_TEST(listenerAcceptsTheDialersFrames);
  CPPUNIT_TEST(dialerAcceptsTheListenersFramesIncludingPathBroken);
  CPPUNIT_TEST_SUITE_END();

 public:
  void listenerAcceptsTheDialersFrames() { replay("two-nodes", true); }
  void dialerAcceptsTheListenersFramesIncludingPathBroken() {
    replay("three-nodes", false);
    replay("three-nodes", true);
  }

 private:
  // We play `us`; the scripted peer replays the other side's frames.
  void replay(const std::string& capture, bool weAreListener) {
    const auto c = loadCapture(capture);
    const auto& us = c.keys.at(weAreListener ? "listener" : "dialer");
    const auto& them = c.keys.at(weAreListener ? "dialer" : "listener");
    const auto& frames = weAreListener ? c.dialerToListener.frames : c.listenerToDialer.frames;
    auto config = testConfig(us);
    config.bloomTransform = address::bloomTransform;  // as yggdrasil
    Router r(config);
    auto peer = makeScripted(them);
    peer->connect(r);
    for (const auto& f : frames) CPPUNIT_ASSERT_NO_THROW(peer->sendRaw(f));
    // Their captured sigres answered the real node's nonce; answer ours.
    const auto req = wire::SigReq::decode(ByteView(peer->waitFor(PacketType::SigReq)).subspan(1));
    peer->send(PacketType::SigRes, peer->respond(req, us.publicKey(), 1));
    const auto root = std::min(us.publicKey(), them.publicKey());
    CPPUNIT_ASSERT(eventually([&] { return r.getRootAndPath().first == root; }));
    bool knowsThem = false;
    for (auto& e : r.getTree()) knowsThem = knowsThem || e.key == them.publicKey();
    CPPUNIT_ASSERT(knowsThem);
    CPPUNIT_ASSERT(!peer->closed());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CaptureReplayTest);
