// Real frames from yggdrasil 0.5.12: every frame decodes, re-encodes to the
// identical bytes, and every signature in it verifies.
#include <cppunit/extensions/HelperMacros.h>

#include "Captures.hpp"
#include "ratatoskr/address.hpp"
#include "core/wire/Announce.hpp"
#include "core/wire/BloomFilter.hpp"
#include "core/wire/PathBroken.hpp"
#include "core/wire/PathLookup.hpp"
#include "core/wire/PathNotify.hpp"
#include "core/wire/SigRes.hpp"
#include "core/wire/Traffic.hpp"

using namespace rtk::core;
namespace address = rtk::address;
using wire::PacketType;

namespace {

template <class T>
T reencodes(const Bytes& frame) {
  const T packet = T::decode(ByteView(frame).subspan(1));
  Bytes again{frame[0]};
  packet.encode(again);
  CPPUNIT_ASSERT(again == frame);
  CPPUNIT_ASSERT_EQUAL(frame.size() - 1, packet.size());
  return packet;
}

// Checks one direction; returns how many frames of each type it held.
std::map<PacketType, int> checkStream(const rtk::test::CapturedStream& s, const rtk::PublicKey& sender,
                                      const rtk::PublicKey& receiver) {
  std::map<PacketType, int> counts;
  bool bloomHasSender = false;
  for (const auto& frame : s.frames) {
    CPPUNIT_ASSERT(!frame.empty());
    const auto type = static_cast<PacketType>(frame[0]);
    ++counts[type];
    switch (type) {
      case PacketType::KeepAlive: CPPUNIT_ASSERT_EQUAL(std::size_t(1), frame.size()); break;
      case PacketType::SigReq: reencodes<wire::SigReq>(frame); break;
      case PacketType::SigRes: {
        // The sender, as parent, signs for the receiver.
        const auto res = reencodes<wire::SigRes>(frame);
        CPPUNIT_ASSERT(res.check(receiver, sender));
        CPPUNIT_ASSERT(!res.check(sender, receiver));
        break;
      }
      case PacketType::Announce: CPPUNIT_ASSERT(reencodes<wire::Announce>(frame).check()); break;
      case PacketType::BloomFilter: {
        const auto bloom = reencodes<wire::BloomFilter>(frame);
        if (bloom.test(address::bloomTransform(sender).bytes)) bloomHasSender = true;
        break;
      }
      case PacketType::PathLookup: reencodes<wire::PathLookup>(frame); break;
      case PacketType::PathNotify: CPPUNIT_ASSERT(reencodes<wire::PathNotify>(frame).check()); break;
      case PacketType::PathBroken: reencodes<wire::PathBroken>(frame); break;
      case PacketType::Traffic: {
        const auto tr = reencodes<wire::Traffic>(frame);
        CPPUNIT_ASSERT(!tr.payload.empty());
        break;
      }
      default: CPPUNIT_FAIL("unexpected frame type " + std::to_string(frame[0]));
    }
  }
  // A tree neighbour's filter holds its own transformed key: bloom/v3's
  // hashing, bit for bit, on a filter a real node made.
  CPPUNIT_ASSERT(bloomHasSender);
  return counts;
}

}  // namespace

class CaptureTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CaptureTest);
  CPPUNIT_TEST(twoNodeFramesDecodeReencodeAndVerify);
  CPPUNIT_TEST(threeNodeFramesIncludeARealPathBroken);
  CPPUNIT_TEST_SUITE_END();

 public:
  void twoNodeFramesDecodeReencodeAndVerify() {
    const auto c = rtk::test::loadCapture("two-nodes");
    const auto dialer = c.keys.at("dialer").publicKey(), listener = c.keys.at("listener").publicKey();
    auto a = checkStream(c.dialerToListener, dialer, listener);
    auto b = checkStream(c.listenerToDialer, listener, dialer);
    for (auto t : {PacketType::SigReq, PacketType::SigRes, PacketType::Announce, PacketType::BloomFilter,
                   PacketType::PathLookup, PacketType::PathNotify, PacketType::Traffic}) {
      CPPUNIT_ASSERT(a[t] > 0);
      CPPUNIT_ASSERT(b[t] > 0);
    }
  }

  void threeNodeFramesIncludeARealPathBroken() {
    const auto c = rtk::test::loadCapture("three-nodes");
    const auto dialer = c.keys.at("dialer").publicKey(), listener = c.keys.at("listener").publicKey();
    auto a = checkStream(c.dialerToListener, dialer, listener);
    checkStream(c.listenerToDialer, listener, dialer);
    CPPUNIT_ASSERT_EQUAL(1, a[PacketType::PathBroken]);
    // The broken names the listener as the traffic source and the far node
    // (killed during the capture) as its destination.
    for (const auto& frame : c.dialerToListener.frames) {
      if (frame[0] != std::uint8_t(PacketType::PathBroken)) continue;
      const auto broken = wire::PathBroken::decode(ByteView(frame).subspan(1));
      CPPUNIT_ASSERT(broken.source == listener);
      CPPUNIT_ASSERT(broken.dest == c.keys.at("far").publicKey());
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CaptureTest);
