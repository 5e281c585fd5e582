#include <cppunit/extensions/HelperMacros.h>

#include <memory>
#include <limits>
#include <string>
#include <vector>

#include "core/session/Session.hpp"
#include "core/session/SessionWire.hpp"
#include "core/session/TrafficHeader.hpp"

using rtk::PublicKey;
using rtk::core::Bytes;
using rtk::core::ByteView;
using namespace rtk::core;
using namespace rtk::core::session;

static constexpr std::uint64_t kMaxCounter = std::numeric_limits<std::uint64_t>::max();
using namespace std::chrono_literals;
using Outcome = Session::Outcome;

namespace {

const Session::Clock::time_point t0{std::chrono::hours(1000)};
constexpr std::uint64_t kSeq = 1700000000;

// A key source that remembers every pair it hands out.
struct Keys {
  std::shared_ptr<std::vector<crypto::BoxKeyPair>> drawn = std::make_shared<std::vector<crypto::BoxKeyPair>>();
  Session::KeySource source() {
    auto d = drawn;
    return [d] {
      d->push_back(crypto::BoxKeyPair::generate());
      return d->back();
    };
  }
  crypto::BoxSecretKey secretOf(const crypto::BoxPublicKey& pub) const {
    for (auto& p : *drawn)
      if (p.publicKey == pub) return p.secretKey;
    CPPUNIT_FAIL("no such key drawn");
    return {};
  }
};

PublicKey key(std::uint8_t b) {
  PublicKey k;
  k.bytes.fill(b);
  return k;
}

// The exchange SessionManager runs when A writes to B first: A's pending
// init, B's session and ack, A's session adopting its pending keys.
struct Pair {
  Keys aKeys, bKeys;
  std::unique_ptr<Session> a, b;
  explicit Pair(Session::Clock::duration guard = 1min) {
    auto aSource = aKeys.source();
    auto pendingCurrent = aSource(), pendingNext = aSource();
    SessionInit init{pendingCurrent.publicKey, pendingNext.publicKey, 0, kSeq};
    b = std::make_unique<Session>(key(0xaa), init.current, init.next, init.seq, bKeys.source(), guard, t0);
    CPPUNIT_ASSERT(b->update(init, t0));
    SessionInit ack = b->makeInit(kSeq);
    a = std::make_unique<Session>(key(0xbb), ack.current, ack.next, ack.seq, aSource, guard, t0);
    a->adoptPendingKeys(pendingCurrent, pendingNext);
    CPPUNIT_ASSERT(a->update(ack, t0));
    // A's own ack back carries the same seq, so B ignores it.
    CPPUNIT_ASSERT(!b->update(a->makeInit(kSeq), t0));
  }
};

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

// Seals as the node does: the message after kTrafficOverhead bytes of
// headroom, where the header goes.
Bytes seal(Session& from, const Bytes& message, Session::Clock::time_point now) {
  Bytes buffer(kTrafficOverhead);
  buffer.insert(buffer.end(), message.begin(), message.end());
  return std::move(from.seal(OffsetBytes(std::move(buffer), kTrafficOverhead), now)).take();
}

Bytes deliver(Session& to, Bytes packet, Session::Clock::time_point now = t0) {
  auto r = to.open(std::move(packet), now);
  CPPUNIT_ASSERT(r.outcome == Outcome::Delivered);
  return std::move(r.message).take();
}

}  // namespace

class SessionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SessionTest);
  CPPUNIT_TEST(trafficFlowsBothWays);
  CPPUNIT_TEST(sealWritesIntoTheHeadroomOrMakesRoom);
  CPPUNIT_TEST(replaysAndOlderNoncesAreIgnored);
  CPPUNIT_TEST(unplaceableOrUndecryptableTrafficAsksForResync);
  CPPUNIT_TEST(malformedTrafficIsIgnored);
  CPPUNIT_TEST(authenticShortPlaintextIsIgnored);
  CPPUNIT_TEST(rotationHonoursTheGuard);
  CPPUNIT_TEST(nonceWrapRotatesKeys);
  CPPUNIT_TEST(staleUpdatesAreIgnored);
  CPPUNIT_TEST(countersAndActivity);
  CPPUNIT_TEST_SUITE_END();

 public:
  // With headroom the packet is built in the message's own buffer, and the
  // receiver's plaintext stays where it was decrypted; without, the message
  // is moved up and the packet is the same.
  void sealWritesIntoTheHeadroomOrMakesRoom() {
    Pair p;
    const Bytes m = text("in place");
    Bytes buffer(kTrafficOverhead);
    buffer.insert(buffer.end(), m.begin(), m.end());
    const std::uint8_t* storage = buffer.data();
    OffsetBytes sealed = p.a->seal(OffsetBytes(std::move(buffer), kTrafficOverhead), t0);
    CPPUNIT_ASSERT(sealed.buffer.data() == storage);
    CPPUNIT_ASSERT(sealed.offset > 0);
    CPPUNIT_ASSERT(TrafficHeader::decode(sealed.view()));
    auto opened = p.b->open(std::move(sealed).take(), t0);
    CPPUNIT_ASSERT(opened.outcome == Outcome::Delivered);
    CPPUNIT_ASSERT(opened.message.offset > 0);
    CPPUNIT_ASSERT((Bytes(opened.message.view().begin(), opened.message.view().end()) == m));

    OffsetBytes noRoom = p.a->seal(OffsetBytes(text("no room")), t0);
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, noRoom.offset);
    CPPUNIT_ASSERT(deliver(*p.b, std::move(noRoom).take()) == text("no room"));
  }

  void trafficFlowsBothWays() {
    Pair p;
    CPPUNIT_ASSERT(deliver(*p.b, seal(*p.a, text("hello b"), t0)) == text("hello b"));
    CPPUNIT_ASSERT(deliver(*p.a, seal(*p.b, text("hello a"), t0)) == text("hello a"));
    for (int i = 0; i < 20; ++i) {
      Bytes m(static_cast<std::size_t>(i * 37), static_cast<std::uint8_t>(i));
      CPPUNIT_ASSERT(deliver(*p.b, seal(*p.a, m, t0)) == m);
      CPPUNIT_ASSERT(deliver(*p.a, seal(*p.b, m, t0)) == m);
    }
  }

  void replaysAndOlderNoncesAreIgnored() {
    Pair p;
    deliver(*p.a, seal(*p.b, text("x"), t0));  // settle the first ratchet
    auto one = seal(*p.a, text("one"), t0);
    auto two = seal(*p.a, text("two"), t0);
    CPPUNIT_ASSERT(deliver(*p.b, two) == text("two"));
    CPPUNIT_ASSERT(p.b->open(two, t0).outcome == Outcome::Ignored);
    CPPUNIT_ASSERT(p.b->open(one, t0).outcome == Outcome::Ignored);  // older nonce
    CPPUNIT_ASSERT(deliver(*p.b, seal(*p.a, text("three"), t0)) == text("three"));
  }

  void unplaceableOrUndecryptableTrafficAsksForResync() {
    Pair p;
    auto packet = seal(*p.a, text("payload"), t0);
    auto h = TrafficHeader::decode(ByteView(packet));
    CPPUNIT_ASSERT(h.has_value());
    // Key sequence numbers two ahead: none of the four cases.
    Bytes far;
    TrafficHeader{h->header.localKeySeq + 2, h->header.remoteKeySeq, h->header.nonce}.encode(far);
    far.insert(far.end(), packet.begin() + static_cast<std::ptrdiff_t>(h->size), packet.end());
    CPPUNIT_ASSERT(p.b->open(far, t0).outcome == Outcome::Resync);
    // Right numbers, box corrupted.
    Bytes bad = packet;
    bad.back() ^= 1;
    CPPUNIT_ASSERT(p.b->open(bad, t0).outcome == Outcome::Resync);
    // Neither changed anything: the genuine packet still opens.
    CPPUNIT_ASSERT(deliver(*p.b, packet) == text("payload"));
  }

  void malformedTrafficIsIgnored() {
    Pair p;
    auto packet = seal(*p.a, text("m"), t0);
    CPPUNIT_ASSERT(p.b->open(Bytes(packet.begin(), packet.begin() + 40), t0).outcome == Outcome::Ignored);
    Bytes wrongType = packet;
    wrongType[0] = 1;
    CPPUNIT_ASSERT(p.b->open(wrongType, t0).outcome == Outcome::Ignored);
    Bytes overflow(80, 0xff);
    overflow[0] = 3;
    CPPUNIT_ASSERT(p.b->open(overflow, t0).outcome == Outcome::Ignored);
    CPPUNIT_ASSERT(deliver(*p.b, packet) == text("m"));
  }

  // A box that authenticates but is too short to carry the sender's next
  // key: Go would panic; we ignore it and keep the nonce where it was.
  void authenticShortPlaintextIsIgnored() {
    Pair p;
    auto h = TrafficHeader::decode(ByteView(seal(*p.a, text("first"), t0)));
    CPPUNIT_ASSERT(h.has_value());
    // The key A seals with (B opens with the same DH result).
    auto shared = crypto::boxPrecompute(p.a->remoteCurrent(), p.aKeys.secretOf(p.a->ourSendKey()));
    const std::uint64_t nonce = h->header.nonce + 1;
    // Ten-byte (non-minimal) uvarints keep the packet above the minimum size.
    Bytes packet{3};
    for (std::uint64_t v : {h->header.localKeySeq, h->header.remoteKeySeq, nonce}) {
      for (int i = 0; i < 9; ++i) {
        packet.push_back(static_cast<std::uint8_t>((v & 0x7f) | 0x80));
        v >>= 7;
      }
      packet.push_back(static_cast<std::uint8_t>(v));
    }
    Bytes shortPlain(20, 7);
    crypto::boxSeal(packet, ByteView(shortPlain), nonce, shared);
    CPPUNIT_ASSERT(packet.size() >= kTrafficOverheadMin);
    CPPUNIT_ASSERT(p.b->open(packet, t0).outcome == Outcome::Ignored);
    // The nonce it used was not consumed: A's genuine packet with it opens.
    CPPUNIT_ASSERT(deliver(*p.b, seal(*p.a, text("second"), t0)) == text("second"));
  }

  void rotationHonoursTheGuard() {
    Pair p(1min);
    const auto aSeq0 = p.a->localKeySeq(), bSeq0 = p.b->localKeySeq();
    // B answered A's init last, so B's first traffic is under A's current key: no ratchet.
    deliver(*p.a, seal(*p.b, text("b0"), t0));
    CPPUNIT_ASSERT_EQUAL(aSeq0, p.a->localKeySeq());
    // A's traffic is under the key B learned as "next": B ratchets (it never has before).
    deliver(*p.b, seal(*p.a, text("a1"), t0));
    CPPUNIT_ASSERT_EQUAL(bSeq0 + 1, p.b->localKeySeq());
    // B now sends under its new key, which A knows as next: A ratchets.
    deliver(*p.a, seal(*p.b, text("b1"), t0));
    CPPUNIT_ASSERT_EQUAL(aSeq0 + 1, p.a->localKeySeq());
    // Within the guard, traffic under next keys is accepted without ratcheting.
    for (int i = 0; i < 5; ++i) {
      deliver(*p.b, seal(*p.a, text("a"), t0 + 30s), t0 + 30s);
      deliver(*p.a, seal(*p.b, text("b"), t0 + 30s), t0 + 30s);
    }
    CPPUNIT_ASSERT_EQUAL(aSeq0 + 1, p.a->localKeySeq());
    CPPUNIT_ASSERT_EQUAL(bSeq0 + 1, p.b->localKeySeq());
    // Exactly the guard is not enough (Go: strictly more than a minute).
    deliver(*p.b, seal(*p.a, text("a"), t0 + 1min), t0 + 1min);
    CPPUNIT_ASSERT_EQUAL(bSeq0 + 1, p.b->localKeySeq());
    // Past it, the exchange ratchets both sides again.
    deliver(*p.b, seal(*p.a, text("a"), t0 + 61s), t0 + 61s);
    CPPUNIT_ASSERT_EQUAL(bSeq0 + 2, p.b->localKeySeq());
    deliver(*p.a, seal(*p.b, text("b"), t0 + 62s), t0 + 62s);
    CPPUNIT_ASSERT_EQUAL(aSeq0 + 2, p.a->localKeySeq());
    CPPUNIT_ASSERT(deliver(*p.b, seal(*p.a, text("after"), t0 + 62s), t0 + 62s) == text("after"));
    CPPUNIT_ASSERT(deliver(*p.a, seal(*p.b, text("after"), t0 + 62s), t0 + 62s) == text("after"));
  }

  void nonceWrapRotatesKeys() {
    Pair p;
    deliver(*p.a, seal(*p.b, text("x"), t0));
    deliver(*p.b, seal(*p.a, text("y"), t0));
    const auto seq = p.a->localKeySeq();
    p.a->setSendNonceForTesting(kMaxCounter - 1);
    auto last = seal(*p.a, text("last"), t0);
    CPPUNIT_ASSERT_EQUAL(kMaxCounter, p.a->sendNonce());
    auto wrapped = seal(*p.a, text("wrapped"), t0);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), p.a->sendNonce());
    CPPUNIT_ASSERT_EQUAL(seq + 1, p.a->localKeySeq());
    auto after = seal(*p.a, text("after"), t0);
    CPPUNIT_ASSERT(deliver(*p.b, last) == text("last"));
    // As in Go, the packet sent with nonce 0 under the new key is dropped.
    CPPUNIT_ASSERT(p.b->open(wrapped, t0).outcome == Outcome::Ignored);
    CPPUNIT_ASSERT(deliver(*p.b, after) == text("after"));
  }

  void staleUpdatesAreIgnored() {
    Pair p;
    auto before = p.b->localKeySeq();
    CPPUNIT_ASSERT(!p.b->update(p.a->makeInit(kSeq - 5), t0));
    CPPUNIT_ASSERT_EQUAL(before, p.b->localKeySeq());
    CPPUNIT_ASSERT(p.b->update(p.a->makeInit(kSeq + 1), t0));
    CPPUNIT_ASSERT_EQUAL(before + 1, p.b->localKeySeq());
    // A session made from an init with seq 0 starts at 2^64-1, as Go's does, and takes no update.
    Keys k;
    Session z(key(1), p.a->ourSendKey(), p.a->ourSendKey(), 0, k.source(), 1min, t0);
    CPPUNIT_ASSERT_EQUAL(kMaxCounter, z.seq());
    CPPUNIT_ASSERT(!z.update(SessionInit{{}, {}, 0, 0}, t0));
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), k.drawn->size());  // recv, send, next
  }

  void countersAndActivity() {
    Pair p;
    auto later = t0 + 5s;
    deliver(*p.b, seal(*p.a, text("12345"), later), later);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), p.a->txBytes());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), p.b->rxBytes());
    CPPUNIT_ASSERT(p.b->lastActivity() == later);
    CPPUNIT_ASSERT(p.b->since() == t0);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SessionTest);
