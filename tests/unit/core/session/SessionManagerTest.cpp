#include <cppunit/extensions/HelperMacros.h>

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto/KeyConversion.hpp"
#include "core/session/SessionManager.hpp"
#include "core/session/SessionWire.hpp"
#include "unit/core/session/FakePacketNetwork.hpp"

using rtk::PublicKey;
using rtk::core::Bytes;
using rtk::core::ByteView;
using namespace rtk::core;
using namespace rtk::core::session;
using namespace std::chrono_literals;
using rtk::test::FakeSwitch;

namespace {

// Liveness bound for waits; never reached when things work.
constexpr auto kPatience = 20s;

struct Inbox {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::pair<PublicKey, Bytes>> messages;
  std::string threadName;

  void push(const PublicKey& from, Bytes m) {
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof name);
    {
      std::lock_guard lock(mutex);
      threadName = name;
      messages.emplace_back(from, std::move(m));
    }
    cv.notify_all();
  }
  bool waitFor(std::size_t n) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, kPatience, [&] { return messages.size() >= n; });
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return messages.size();
  }
  std::vector<std::pair<PublicKey, Bytes>> all() {
    std::lock_guard lock(mutex);
    return messages;
  }
};

// A shared fake clock (steady time and unix seconds) for managers that need one.
struct FakeClock {
  std::shared_ptr<std::atomic<std::int64_t>> nanos = std::make_shared<std::atomic<std::int64_t>>(1'700'000'000'000'000'000);
  void apply(SessionOptions& o) const {
    auto n = nanos;
    o.now = [n] { return SessionOptions::Clock::time_point(std::chrono::nanoseconds(n->load())); };
    o.unixSeconds = [n] { return static_cast<std::uint64_t>(n->load() / 1'000'000'000); };
  }
  void advance(std::chrono::nanoseconds d) const { nanos->fetch_add(d.count()); }
};

struct Node {
  crypto::SigningKey key = crypto::SigningKey::generate();
  FakeSwitch& sw;
  SessionOptions options;
  std::shared_ptr<Inbox> inbox = std::make_shared<Inbox>();
  std::unique_ptr<SessionManager> mgr;

  explicit Node(FakeSwitch& s, SessionOptions o = {}) : sw(s), options(std::move(o)) { start(); }
  void start() {
    mgr = std::make_unique<SessionManager>(key, sw.port(key.publicKey()), rtk::Log(), options);
    auto box = inbox;
    mgr->setReceiveHandler([box](const PublicKey& from, OffsetBytes m) { box->push(from, std::move(m).take()); });
  }
  void restart() {
    mgr.reset();
    start();
  }
  const PublicKey& pub() const { return key.publicKey(); }
};

// Until no node has anything left to do.
void quiesce(FakeSwitch& sw, std::initializer_list<Node*> nodes) {
  std::size_t before = ~std::size_t(0);
  for (int i = 0; i < 50; ++i) {
    sw.drain();
    for (auto* n : nodes) n->mgr->sync();
    sw.drain();
    auto now = sw.log().size();
    if (now == before) return;
    before = now;
  }
  CPPUNIT_FAIL("the nodes never went quiet");
}

Bytes managerText(const std::string& s) { return Bytes(s.begin(), s.end()); }

Bytes randomBytes(std::mt19937& rng, std::size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return b;
}

// Opens a session A -> B with one message each way.
void handshake(FakeSwitch& sw, Node& a, Node& b) {
  auto aBefore = a.inbox->size(), bBefore = b.inbox->size();
  a.mgr->writeTo(b.pub(), managerText("hello"));
  CPPUNIT_ASSERT(b.inbox->waitFor(bBefore + 1));
  b.mgr->writeTo(a.pub(), managerText("hi"));
  CPPUNIT_ASSERT(a.inbox->waitFor(aBefore + 1));
  quiesce(sw, {&a, &b});
}

std::vector<rtk::test::SentPacket> packetsFrom(FakeSwitch& sw, const PublicKey& from) {
  std::vector<rtk::test::SentPacket> out;
  for (auto& p : sw.log())
    if (p.source == from) out.push_back(p);
  return out;
}

}  // namespace

class SessionManagerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SessionManagerTest);
  CPPUNIT_TEST(initAckAndTrafficBothWays);
  CPPUNIT_TEST(manyMessagesArriveIntactAndInOrder);
  CPPUNIT_TEST(replayedTrafficIsNotDeliveredTwice);
  CPPUNIT_TEST(rotationHappensOnlyAfterTheGuard);
  CPPUNIT_TEST(restartedRemoteSelfHeals);
  CPPUNIT_TEST(mtuIsEnforced);
  CPPUNIT_TEST(garbageNeitherCrashesNorCreatesState);
  CPPUNIT_TEST(initFloodFromManyKeysIsBounded);
  CPPUNIT_TEST(pendingBufferKeepsTheNewestAndTimesOut);
  CPPUNIT_TEST(bufferedBytesAreReturnedWhenSessionsOpen);
  CPPUNIT_TEST(idleSessionsTimeOut);
  CPPUNIT_TEST(trafficForUnknownSessionGetsThrowawayInit);
  CPPUNIT_TEST(undecryptableTrafficGetsAnInit);
  CPPUNIT_TEST(reactiveInitsAreRateLimited);
  CPPUNIT_TEST(inboundQueueIsBounded);
  CPPUNIT_TEST(threeNodesOverALossyNetwork);
  CPPUNIT_TEST(closeIsIdempotentAndLateCallsAreHarmless);
  CPPUNIT_TEST_SUITE_END();

 public:
  void initAckAndTrafficBothWays() {
    FakeSwitch sw;
    Node a(sw), b(sw);
    a.mgr->writeTo(b.pub(), managerText("hello b"));
    CPPUNIT_ASSERT(b.inbox->waitFor(1));
    b.mgr->writeTo(a.pub(), managerText("hello a"));
    CPPUNIT_ASSERT(a.inbox->waitFor(1));
    quiesce(sw, {&a, &b});
    CPPUNIT_ASSERT(b.inbox->all()[0] == std::make_pair(a.pub(), managerText("hello b")));
    CPPUNIT_ASSERT(a.inbox->all()[0] == std::make_pair(b.pub(), managerText("hello a")));
    CPPUNIT_ASSERT_EQUAL(std::string("rtk-session"), b.inbox->threadName);

    // On the wire: A's init, B's ack, A's ack back, then A's traffic.
    auto fromA = packetsFrom(sw, a.pub()), fromB = packetsFrom(sw, b.pub());
    CPPUNIT_ASSERT(fromA.size() >= 3 && !fromB.empty());
    CPPUNIT_ASSERT_EQUAL(kSessionInitSize, fromA[0].payload.size());
    CPPUNIT_ASSERT_EQUAL(int(SessionPacketType::Init), int(fromA[0].payload[0]));
    CPPUNIT_ASSERT_EQUAL(kSessionInitSize, fromB[0].payload.size());
    CPPUNIT_ASSERT_EQUAL(int(SessionPacketType::Ack), int(fromB[0].payload[0]));
    CPPUNIT_ASSERT_EQUAL(int(SessionPacketType::Ack), int(fromA[1].payload[0]));
    const auto& traffic = fromA[2].payload;
    CPPUNIT_ASSERT_EQUAL(int(SessionPacketType::Traffic), int(traffic[0]));
    CPPUNIT_ASSERT_EQUAL(std::size_t(4 + 16 + 32 + 7), traffic.size());  // one-byte uvarints

    auto sa = a.mgr->getSessions(), sb = b.mgr->getSessions();
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), sa.size());
    CPPUNIT_ASSERT(sa[0].key == b.pub());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(7), sa[0].txBytes);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(7), sa[0].rxBytes);
    CPPUNIT_ASSERT(sb[0].key == a.pub());
    CPPUNIT_ASSERT(sb[0].uptime.count() >= 0);
  }

  void manyMessagesArriveIntactAndInOrder() {
    FakeSwitch sw;
    Node a(sw), b(sw);
    handshake(sw, a, b);
    std::mt19937 rng(42);
    std::vector<Bytes> toB, toA;
    for (int i = 0; i < 300; ++i) {
      toB.push_back(randomBytes(rng, rng() % (a.mgr->mtu() + 1)));
      toA.push_back(randomBytes(rng, rng() % 2000));
      a.mgr->writeTo(b.pub(), toB.back());
      b.mgr->writeTo(a.pub(), toA.back());
    }
    CPPUNIT_ASSERT(b.inbox->waitFor(301));
    CPPUNIT_ASSERT(a.inbox->waitFor(301));
    auto gotB = b.inbox->all(), gotA = a.inbox->all();
    for (int i = 0; i < 300; ++i) {
      CPPUNIT_ASSERT(gotB[static_cast<std::size_t>(i) + 1].second == toB[static_cast<std::size_t>(i)]);
      CPPUNIT_ASSERT(gotA[static_cast<std::size_t>(i) + 1].second == toA[static_cast<std::size_t>(i)]);
    }
  }

  void replayedTrafficIsNotDeliveredTwice() {
    FakeSwitch sw;
    Node a(sw), b(sw);
    handshake(sw, a, b);
    a.mgr->writeTo(b.pub(), managerText("once"));
    CPPUNIT_ASSERT(b.inbox->waitFor(2));
    quiesce(sw, {&a, &b});
    auto fromA = packetsFrom(sw, a.pub());
    std::size_t injected = 0;
    for (auto& p : fromA) {
      sw.inject(a.pub(), b.pub(), p.payload);  // every packet A ever sent, again
      ++injected;
    }
    quiesce(sw, {&a, &b});
    CPPUNIT_ASSERT(injected >= 4);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), b.inbox->size());
    a.mgr->writeTo(b.pub(), managerText("fresh"));
    CPPUNIT_ASSERT(b.inbox->waitFor(3));
    CPPUNIT_ASSERT(b.inbox->all()[2].second == managerText("fresh"));
  }

  void rotationHappensOnlyAfterTheGuard() {
    FakeSwitch sw;
    FakeClock clock;
    SessionOptions o;
    clock.apply(o);
    Node a(sw, o), b(sw, o);
    handshake(sw, a, b);
    auto exchange = [&](int n) {
      for (int i = 0; i < n; ++i) {
        auto before = b.inbox->size();
        a.mgr->writeTo(b.pub(), managerText("ping"));
        CPPUNIT_ASSERT(b.inbox->waitFor(before + 1));
        before = a.inbox->size();
        b.mgr->writeTo(a.pub(), managerText("pong"));
        CPPUNIT_ASSERT(a.inbox->waitFor(before + 1));
      }
      quiesce(sw, {&a, &b});
    };
    exchange(1);  // the first ratchet on each side is free
    auto a0 = a.mgr->sessionState(b.pub())->localKeySeq, b0 = b.mgr->sessionState(a.pub())->localKeySeq;
    clock.advance(30s);
    exchange(5);
    CPPUNIT_ASSERT_EQUAL(a0, a.mgr->sessionState(b.pub())->localKeySeq);
    CPPUNIT_ASSERT_EQUAL(b0, b.mgr->sessionState(a.pub())->localKeySeq);
    clock.advance(31s);
    exchange(1);
    CPPUNIT_ASSERT_EQUAL(a0 + 1, a.mgr->sessionState(b.pub())->localKeySeq);
    CPPUNIT_ASSERT_EQUAL(b0 + 1, b.mgr->sessionState(a.pub())->localKeySeq);
    exchange(3);
    CPPUNIT_ASSERT_EQUAL(a0 + 1, a.mgr->sessionState(b.pub())->localKeySeq);
  }

  void restartedRemoteSelfHeals() {
    FakeSwitch sw;
    FakeClock clock;
    SessionOptions o;
    clock.apply(o);
    Node a(sw, o), b(sw, o);
    handshake(sw, a, b);
    clock.advance(2s);
    b.restart();  // same key, all session state lost
    bool healed = false;
    for (int attempt = 0; attempt < 10 && !healed; ++attempt) {
      auto before = b.inbox->size();
      a.mgr->writeTo(b.pub(), managerText("are you there"));
      quiesce(sw, {&a, &b});
      healed = b.inbox->size() > before;
      clock.advance(1s);
    }
    CPPUNIT_ASSERT(healed);
    auto before = a.inbox->size();
    b.mgr->writeTo(a.pub(), managerText("back"));
    CPPUNIT_ASSERT(a.inbox->waitFor(before + 1));
    CPPUNIT_ASSERT(a.inbox->all().back().second == managerText("back"));

    // And the other way round: the side that wrote last restarts.
    clock.advance(2s);
    a.restart();
    healed = false;
    for (int attempt = 0; attempt < 10 && !healed; ++attempt) {
      auto n = a.inbox->size();
      b.mgr->writeTo(a.pub(), managerText("still there?"));
      quiesce(sw, {&a, &b});
      healed = a.inbox->size() > n;
      clock.advance(1s);
    }
    CPPUNIT_ASSERT(healed);
  }

  void mtuIsEnforced() {
    FakeSwitch sw({}, 1280);
    Node a(sw), b(sw);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1280 - 79), a.mgr->mtu());
    handshake(sw, a, b);
    Bytes biggest(a.mgr->mtu(), 0x5a);
    a.mgr->writeTo(b.pub(), biggest);
    CPPUNIT_ASSERT(b.inbox->waitFor(2));
    CPPUNIT_ASSERT(b.inbox->all()[1].second == biggest);
    a.mgr->writeTo(b.pub(), Bytes(a.mgr->mtu() + 1, 0x5a));
    quiesce(sw, {&a, &b});
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), b.inbox->size());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), a.mgr->counters().oversizeDropped);

    rtk::test::CapturingNetwork tiny(50);
    SessionManager m(crypto::SigningKey::generate(), tiny, rtk::Log());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), m.mtu());
  }

  void garbageNeitherCrashesNorCreatesState() {
    FakeSwitch sw;
    Node a(sw), b(sw);
    handshake(sw, a, b);
    std::mt19937 rng(7);
    std::vector<PublicKey> strangers;
    for (int i = 0; i < 20; ++i) strangers.push_back(crypto::SigningKey::generate().publicKey());
    for (int i = 0; i < 3000; ++i) {
      std::size_t len = rng() % 3 == 0 ? kSessionInitSize : rng() % 400;
      Bytes junk = randomBytes(rng, len);
      if (!junk.empty()) junk[0] = static_cast<std::uint8_t>(rng() % 5);
      const PublicKey& from = i % 2 ? a.pub() : strangers[rng() % strangers.size()];
      sw.inject(from, b.pub(), std::move(junk));
    }
    quiesce(sw, {&a, &b});
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), b.mgr->sessionCount());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), b.inbox->size());
    auto before = b.inbox->size();
    a.mgr->writeTo(b.pub(), managerText("after the storm"));
    CPPUNIT_ASSERT(b.inbox->waitFor(before + 1));
    CPPUNIT_ASSERT(b.inbox->all().back().second == managerText("after the storm"));
  }

  void initFloodFromManyKeysIsBounded() {
    FakeSwitch sw;
    SessionOptions o;
    o.maxSessions = 32;
    Node a(sw), b(sw, o);
    handshake(sw, a, b);
    auto bBox = crypto::boxPublicFromEd(b.pub());
    for (int i = 0; i < 300; ++i) {
      auto attacker = crypto::SigningKey::generate();
      SessionInit init{crypto::BoxKeyPair::generate().publicKey, crypto::BoxKeyPair::generate().publicKey, 0,
                       1700000000};
      sw.inject(attacker.publicKey(), b.pub(),
                init.encode(SessionPacketType::Init, attacker, bBox, crypto::BoxKeyPair::generate()));
    }
    quiesce(sw, {&a, &b});
    CPPUNIT_ASSERT_EQUAL(std::size_t(32), b.mgr->sessionCount());
    CPPUNIT_ASSERT(b.mgr->counters().sessionsEvicted >= 269);
    // The session that carries traffic survived the flood.
    CPPUNIT_ASSERT(b.mgr->sessionState(a.pub()).has_value());
    auto before = b.inbox->size();
    a.mgr->writeTo(b.pub(), managerText("still here"));
    CPPUNIT_ASSERT(b.inbox->waitFor(before + 1));
  }

  void pendingBufferKeepsTheNewestAndTimesOut() {
    FakeSwitch sw;
    SessionOptions o;
    o.bufferTimeout = 200ms;
    Node a(sw, o), b(sw);
    sw.hold();
    a.mgr->writeTo(b.pub(), managerText("m1"));
    a.mgr->writeTo(b.pub(), managerText("m2"));
    a.mgr->writeTo(b.pub(), managerText("m3"));
    a.mgr->sync();
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.mgr->pendingBufferCount());
    sw.release();
    CPPUNIT_ASSERT(b.inbox->waitFor(1));
    quiesce(sw, {&a, &b});
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), b.inbox->size());
    CPPUNIT_ASSERT(b.inbox->all()[0].second == managerText("m3"));
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), a.mgr->pendingBufferCount());

    // Nobody answers for this key: the buffer goes after bufferTimeout.
    a.mgr->writeTo(crypto::SigningKey::generate().publicKey(), managerText("lost"));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.mgr->pendingBufferCount());
    auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (a.mgr->pendingBufferCount() != 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(20ms);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), a.mgr->pendingBufferCount());

    // Buffer bounds: the oldest destination makes room.
    SessionOptions small;
    small.maxBuffers = 4;
    Node c(sw, small);
    for (int i = 0; i < 10; ++i) c.mgr->writeTo(crypto::SigningKey::generate().publicKey(), managerText("x"));
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), c.mgr->pendingBufferCount());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(6), c.mgr->counters().buffersEvicted);
  }

  // Each opened session takes its buffer's bytes off the budget: with room
  // for one message, one destination after another still gets through.
  void bufferedBytesAreReturnedWhenSessionsOpen() {
    FakeSwitch sw;
    SessionOptions o;
    o.maxBufferedBytes = 1000;
    Node a(sw, o);
    std::vector<std::unique_ptr<Node>> others;
    for (int i = 0; i < 5; ++i) {
      others.push_back(std::make_unique<Node>(sw));
      a.mgr->writeTo(others.back()->pub(), Bytes(600, static_cast<std::uint8_t>(i)));
      CPPUNIT_ASSERT(others.back()->inbox->waitFor(1));
      CPPUNIT_ASSERT(others.back()->inbox->all()[0].second == Bytes(600, static_cast<std::uint8_t>(i)));
    }
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), a.mgr->counters().buffersEvicted);
  }

  void idleSessionsTimeOut() {
    FakeSwitch sw;
    SessionOptions o;
    o.sessionTimeout = 200ms;
    Node a(sw, o), b(sw, o);
    handshake(sw, a, b);
    auto deadline = std::chrono::steady_clock::now() + kPatience;
    while ((a.mgr->sessionCount() || b.mgr->sessionCount()) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(20ms);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), a.mgr->sessionCount());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), b.mgr->sessionCount());
    CPPUNIT_ASSERT(a.mgr->counters().sessionsExpired >= 1);
    auto before = b.inbox->size();
    a.mgr->writeTo(b.pub(), managerText("new session"));
    CPPUNIT_ASSERT(b.inbox->waitFor(before + 1));
  }

  void trafficForUnknownSessionGetsThrowawayInit() {
    FakeSwitch sw;
    Node b(sw);
    auto stranger = crypto::SigningKey::generate();
    Bytes traffic(80, 0x11);
    traffic[0] = 3;
    sw.inject(stranger.publicKey(), b.pub(), traffic);
    quiesce(sw, {&b});
    auto sent = packetsFrom(sw, b.pub());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), sent.size());
    CPPUNIT_ASSERT(sent[0].dest == stranger.publicKey());
    CPPUNIT_ASSERT_EQUAL(int(SessionPacketType::Init), int(sent[0].payload[0]));
    auto init = SessionInit::decode(ByteView(sent[0].payload), crypto::boxSecretFromEd(stranger), b.pub());
    CPPUNIT_ASSERT(init.has_value());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), init->keySeq);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), b.mgr->sessionCount());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), b.mgr->pendingBufferCount());
  }

  void undecryptableTrafficGetsAnInit() {
    FakeSwitch sw;
    Node a(sw), b(sw);
    handshake(sw, a, b);
    auto st = b.mgr->sessionState(a.pub());
    // A's key sequence numbers as B expects them, but a box that does not open.
    Bytes forged{3, static_cast<std::uint8_t>(st->remoteKeySeq), static_cast<std::uint8_t>(st->localKeySeq - 1), 100};
    forged.resize(80, 0x42);
    auto before = packetsFrom(sw, b.pub()).size();
    sw.inject(a.pub(), b.pub(), forged);
    sw.drain();
    b.mgr->sync();
    auto sent = packetsFrom(sw, b.pub());
    CPPUNIT_ASSERT_EQUAL(before + 1, sent.size());
    CPPUNIT_ASSERT_EQUAL(int(SessionPacketType::Init), int(sent.back().payload[0]));
    auto init = SessionInit::decode(ByteView(sent.back().payload), crypto::boxSecretFromEd(a.key), b.pub());
    CPPUNIT_ASSERT(init.has_value());
    CPPUNIT_ASSERT_EQUAL(st->localKeySeq, init->keySeq);
    CPPUNIT_ASSERT(init->current == st->ourSendKey);
  }

  void reactiveInitsAreRateLimited() {
    FakeSwitch sw;
    FakeClock clock;
    SessionOptions o;
    clock.apply(o);
    o.reactiveInitsPerSecond = 1;
    o.reactiveInitBurst = 3;
    Node b(sw, o);
    auto stranger = crypto::SigningKey::generate().publicKey();
    Bytes traffic(60, 0);
    traffic[0] = 3;
    for (int i = 0; i < 10; ++i) sw.inject(stranger, b.pub(), traffic);
    quiesce(sw, {&b});
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), packetsFrom(sw, b.pub()).size());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(7), b.mgr->counters().reactiveInitsSuppressed);
    clock.advance(2s);
    for (int i = 0; i < 5; ++i) sw.inject(stranger, b.pub(), traffic);
    quiesce(sw, {&b});
    CPPUNIT_ASSERT_EQUAL(std::size_t(5), packetsFrom(sw, b.pub()).size());
  }

  void inboundQueueIsBounded() {
    FakeSwitch sw;
    SessionOptions o;
    o.maxQueuedInboundBytes = 64 * 1024;
    Node a(sw), b(sw, o);
    handshake(sw, a, b);
    // Stall B's session thread inside its receive handler.
    std::promise<void> entered, release;
    auto releasedFuture = release.get_future().share();
    bool first = true;
    b.mgr->setReceiveHandler([&, releasedFuture](const PublicKey&, OffsetBytes) {
      if (!first) return;
      first = false;
      entered.set_value();
      releasedFuture.wait();
    });
    a.mgr->writeTo(b.pub(), managerText("stall"));
    entered.get_future().wait();
    for (int i = 0; i < 2000; ++i) sw.inject(a.pub(), b.pub(), Bytes(1000, 3));
    sw.drain();
    auto dropped = b.mgr->counters().inboundDropped;
    release.set_value();
    quiesce(sw, {&a, &b});
    CPPUNIT_ASSERT(dropped >= 1900);
    CPPUNIT_ASSERT(dropped <= 2000 - 40);  // what fits in 64 KiB was kept
    auto box = b.inbox;
    b.mgr->setReceiveHandler([box](const PublicKey& from, OffsetBytes m) { box->push(from, std::move(m).take()); });
    auto before = b.inbox->size();
    a.mgr->writeTo(b.pub(), managerText("recovered"));
    CPPUNIT_ASSERT(b.inbox->waitFor(before + 1));
  }

  void threeNodesOverALossyNetwork() {
    rtk::test::SwitchFaults faults;
    faults.lossRate = 0.1;
    faults.duplicateRate = 0.1;
    faults.reorderRate = 0.2;
    faults.seed = 99;
    FakeSwitch sw(faults);
    // Inits only replace session keys when their seq (unix seconds) is newer,
    // so recovery from lost handshakes needs the seconds to move on.
    FakeClock clock;
    SessionOptions o;
    clock.apply(o);
    Node a(sw, o), b(sw, o), c(sw, o);
    std::vector<Node*> nodes{&a, &b, &c};
    std::map<std::string, std::pair<PublicKey, PublicKey>> sent;  // message -> (from, to)
    for (int round = 0; round < 60; ++round) {
      for (auto* from : nodes)
        for (auto* to : nodes) {
          if (from == to) continue;
          std::string m = "r" + std::to_string(round) + "-" + from->pub().hex().substr(0, 8) + ">" +
                          to->pub().hex().substr(0, 8);
          sent[m] = {from->pub(), to->pub()};
          from->mgr->writeTo(to->pub(), managerText(m));
        }
      if (round % 5 == 4) quiesce(sw, {&a, &b, &c});
      clock.advance(1s);
    }
    quiesce(sw, {&a, &b, &c});
    std::size_t delivered = 0;
    for (auto* n : nodes) {
      std::set<std::string> seen;
      std::map<PublicKey, int> perSender;
      for (auto& [from, msg] : n->inbox->all()) {
        std::string m(msg.begin(), msg.end());
        CPPUNIT_ASSERT_MESSAGE("delivered twice: " + m, seen.insert(m).second);
        auto it = sent.find(m);
        CPPUNIT_ASSERT_MESSAGE("never sent: " + m, it != sent.end());
        CPPUNIT_ASSERT(it->second.first == from);
        CPPUNIT_ASSERT(it->second.second == n->pub());
        ++perSender[from];
      }
      CPPUNIT_ASSERT_EQUAL(std::size_t(2), perSender.size());
      for (auto& [k, count] : perSender) CPPUNIT_ASSERT(count >= 10);
      delivered += seen.size();
    }
    CPPUNIT_ASSERT(delivered >= sent.size() / 3);
  }

  void closeIsIdempotentAndLateCallsAreHarmless() {
    FakeSwitch sw;
    Node a(sw), b(sw);
    handshake(sw, a, b);
    b.mgr->close();
    b.mgr->close();
    CPPUNIT_ASSERT(b.mgr->getSessions().empty());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), b.mgr->sessionCount());
    b.mgr->writeTo(a.pub(), managerText("after close"));
    a.mgr->writeTo(b.pub(), managerText("to a closed node"));  // reaches B's stale handler
    quiesce(sw, {&a});
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.inbox->size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), b.inbox->size());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SessionManagerTest);
