#include <cppunit/extensions/HelperMacros.h>

#include "core/multicast/DialGuard.hpp"

using rtk::PeerInfo;
using rtk::PublicKey;
using rtk::core::multicast::DialGuard;
using Verdict = rtk::core::multicast::DialGuard::Verdict;

namespace {

PublicKey keyOf(std::uint8_t b) {
  PublicKey k;
  k.bytes.fill(b);
  return k;
}

PeerInfo peer(const std::string& uri, bool up, const PublicKey& key = {}) {
  PeerInfo p;
  p.uri = uri;
  p.up = up;
  p.key = key;
  return p;
}

}  // namespace

class DialGuardTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DialGuardTest);
  CPPUNIT_TEST(aKeyWithALinkUpIsNotDialled);
  CPPUNIT_TEST(aDialInProgressIsNotRepeated);
  CPPUNIT_TEST(aFinishedOrFailedDialFreesItsSlot);
  CPPUNIT_TEST(dialsInFlightAreBounded);
  CPPUNIT_TEST_SUITE_END();

 public:
  void aKeyWithALinkUpIsNotDialled() {
    DialGuard g(4);
    std::vector<PeerInfo> peers{peer("tls://[fe80::2%25vl0]:5000", true, keyOf(2))};
    CPPUNIT_ASSERT(g.check(keyOf(2), peers) == Verdict::Connected);
    CPPUNIT_ASSERT(g.check(keyOf(3), peers) == Verdict::Dial);
  }

  void aDialInProgressIsNotRepeated() {
    DialGuard g(4);
    g.started(keyOf(2), "tls://[fe80::2%vl0]:5000");
    std::vector<PeerInfo> peers{peer("tls://[fe80::2%vl0]:5000", false)};
    CPPUNIT_ASSERT(g.check(keyOf(2), peers) == Verdict::Dialling);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), g.inFlight());
  }

  void aFinishedOrFailedDialFreesItsSlot() {
    DialGuard g(4);
    g.started(keyOf(2), "tls://[fe80::2%vl0]:5000");
    g.started(keyOf(3), "tls://[fe80::3%vl0]:5000");
    // 2 failed (its ephemeral entry is gone), 3 is up.
    std::vector<PeerInfo> peers{peer("tls://[fe80::3%vl0]:5000", true, keyOf(3))};
    CPPUNIT_ASSERT(g.check(keyOf(2), peers) == Verdict::Dial);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), g.inFlight());
    CPPUNIT_ASSERT(g.check(keyOf(3), peers) == Verdict::Connected);
  }

  void dialsInFlightAreBounded() {
    DialGuard g(2);
    std::vector<PeerInfo> peers;
    for (std::uint8_t i = 1; i <= 2; ++i) {
      std::string uri = "tls://[fe80::" + std::to_string(i) + "%vl0]:5000";
      CPPUNIT_ASSERT(g.check(keyOf(i), peers) == Verdict::Dial);
      g.started(keyOf(i), uri);
      peers.push_back(peer(uri, false));
    }
    CPPUNIT_ASSERT(g.check(keyOf(9), peers) == Verdict::Busy);
    peers.pop_back();  // the second dial failed
    CPPUNIT_ASSERT(g.check(keyOf(9), peers) == Verdict::Dial);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DialGuardTest);
