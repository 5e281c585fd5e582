#include <cppunit/extensions/HelperMacros.h>

#include <deque>
#include <memory>

#include "core/proto/ProtoDispatcher.hpp"
#include "core/proto/ProtoTypes.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::core::proto;
using rtk::PublicKey;
using rtk::core::Bytes;
using namespace std::chrono_literals;

namespace {

PublicKey dispatcherKey(std::uint8_t b) {
  PublicKey k;
  for (std::size_t i = 0; i < k.bytes.size(); ++i) k.bytes[i] = static_cast<std::uint8_t>(b + i);
  return k;
}

// Two dispatchers whose sends land in a shared queue; pump() delivers them.
struct Pair {
  struct Sent {
    PublicKey from, to;
    Bytes msg;
  };
  PublicKey keyA = dispatcherKey(0x10), keyB = dispatcherKey(0xa0);
  std::deque<Sent> wire;
  std::vector<Sent> log;
  std::vector<PublicKey> peersB{dispatcherKey(1), dispatcherKey(2), dispatcherKey(3)};
  std::vector<PublicKey> treeB{dispatcherKey(0xa0), dispatcherKey(7)};
  std::uint64_t mtuB = 65535;
  bool throwInGetSelf = false;
  std::unique_ptr<ProtoDispatcher> a, b;
  RequestTable::Clock::time_point now{std::chrono::hours(5)};

  ProtoDispatcher::Hooks hooks(PublicKey self, std::uint64_t routing, std::vector<PublicKey>* peers,
                               std::vector<PublicKey>* tree, std::uint64_t* mtu) {
    ProtoDispatcher::Hooks h;
    h.send = [this, self](const PublicKey& to, Bytes m) {
      wire.push_back({self, to, m});
      log.push_back({self, to, std::move(m)});
    };
    h.getSelf = [this, self, routing] {
      if (throwInGetSelf) throw rtk::Error(rtk::Errc::Closed, "router: closed");
      return rtk::SelfInfo{self, routing};
    };
    h.getPeerKeys = [peers] { return peers ? *peers : std::vector<PublicKey>{}; };
    h.getTreeKeys = [tree] { return tree ? *tree : std::vector<PublicKey>{}; };
    h.mtu = [mtu] { return mtu ? *mtu : 65535; };
    return h;
  }

  Pair() {
    a = std::make_unique<ProtoDispatcher>(hooks(keyA, 3, nullptr, nullptr, nullptr), R"({"name":"a"})",
                                          ProtoDispatcher::Limits{}, rtk::Log{});
    b = std::make_unique<ProtoDispatcher>(hooks(keyB, 7, &peersB, &treeB, &mtuB), R"({"name":"b"})",
                                          ProtoDispatcher::Limits{}, rtk::Log{});
  }

  void pump() {
    while (!wire.empty()) {
      Sent s = std::move(wire.front());
      wire.pop_front();
      (s.to == keyA ? *a : *b).handleMessage(s.from, s.msg, now);
    }
  }
};

Bytes concat(std::initializer_list<std::uint8_t> head, const std::string& body) {
  Bytes b(head);
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

}  // namespace

class ProtoDispatcherTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ProtoDispatcherTest);
  CPPUNIT_TEST(nodeInfoRoundTrip);
  CPPUNIT_TEST(getSelfRepliesExactlyAsYggdrasil);
  CPPUNIT_TEST(peersAndTreeAreKeyLists);
  CPPUNIT_TEST(keyListsAreTrimmedToTheMtu);
  CPPUNIT_TEST(unsolicitedAndLateRepliesAreDropped);
  CPPUNIT_TEST(malformedMessagesAreDropped);
  CPPUNIT_TEST(invalidJsonReplyKeepsTheRequestPending);
  CPPUNIT_TEST(askingAgainResendsAndOneReplyAnswersAll);
  CPPUNIT_TEST(hookFailuresAreContained);
  CPPUNIT_TEST(missingHooksAreRefused);
  CPPUNIT_TEST_SUITE_END();

 public:
  void nodeInfoRoundTrip() {
    Pair p;
    std::string got;
    p.a->request(RequestKind::NodeInfo, p.keyB, [&](const Bytes& b) { got.assign(b.begin(), b.end()); }, p.now);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), p.wire.size());
    CPPUNIT_ASSERT(p.wire.front().msg == Bytes({kSessionProto, kProtoNodeInfoRequest}));
    p.pump();
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"name":"b"})"), got);
    CPPUNIT_ASSERT(p.log.back().msg == concat({2, 2}, R"({"name":"b"})"));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), p.b->counters().requestsAnswered);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), p.a->counters().repliesMatched);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), p.a->table(RequestKind::NodeInfo).size());
  }

  void getSelfRepliesExactlyAsYggdrasil() {
    Pair p;
    std::string got;
    p.a->request(RequestKind::Self, p.keyB, [&](const Bytes& b) { got.assign(b.begin(), b.end()); }, p.now);
    CPPUNIT_ASSERT(p.wire.front().msg == Bytes({2, 255, 1}));
    p.pump();
    const std::string body = R"({"key":")" + p.keyB.hex() + R"(","routing_entries":"7"})";
    CPPUNIT_ASSERT_EQUAL(body, got);
    CPPUNIT_ASSERT(p.log.back().msg == concat({2, 255, 2}, body));
    CPPUNIT_ASSERT_EQUAL(body, ProtoDispatcher::selfReplyBody(rtk::SelfInfo{p.keyB, 7}));
  }

  void peersAndTreeAreKeyLists() {
    Pair p;
    Bytes peers, tree;
    p.a->request(RequestKind::Peers, p.keyB, [&](const Bytes& b) { peers = b; }, p.now);
    p.a->request(RequestKind::Tree, p.keyB, [&](const Bytes& b) { tree = b; }, p.now);
    CPPUNIT_ASSERT(p.wire[0].msg == Bytes({2, 255, 3}));
    CPPUNIT_ASSERT(p.wire[1].msg == Bytes({2, 255, 5}));
    p.pump();
    CPPUNIT_ASSERT_EQUAL(std::size_t(96), peers.size());
    CPPUNIT_ASSERT(std::equal(p.peersB[2].bytes.begin(), p.peersB[2].bytes.end(), peers.begin() + 64));
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), tree.size());
    CPPUNIT_ASSERT(std::equal(p.treeB[0].bytes.begin(), p.treeB[0].bytes.end(), tree.begin()));
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(4), p.log[2].msg[2]);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(6), p.log[3].msg[2]);
  }

  void keyListsAreTrimmedToTheMtu() {
    std::vector<PublicKey> keys{dispatcherKey(1), dispatcherKey(2), dispatcherKey(3)};
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), ProtoDispatcher::keysReplyBody(keys, 66).size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(32), ProtoDispatcher::keysReplyBody(keys, 65).size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), ProtoDispatcher::keysReplyBody(keys, 33).size());
    Pair p;
    p.mtuB = 2 + 64;
    Bytes peers;
    p.a->request(RequestKind::Peers, p.keyB, [&](const Bytes& b) { peers = b; }, p.now);
    p.pump();
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), peers.size());
  }

  void unsolicitedAndLateRepliesAreDropped() {
    Pair p;
    int calls = 0;
    p.a->handleMessage(p.keyB, concat({2, 2}, "{}"), p.now);
    p.a->handleMessage(p.keyB, Bytes({2, 255, 4}), p.now);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), p.a->counters().dropped);

    p.a->request(RequestKind::NodeInfo, p.keyB, [&](const Bytes&) { ++calls; }, p.now);
    p.wire.clear();
    p.a->handleMessage(p.keyB, concat({2, 2}, "{}"), p.now + 61s);
    CPPUNIT_ASSERT_EQUAL(0, calls);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), p.a->table(RequestKind::NodeInfo).size());

    p.a->request(RequestKind::NodeInfo, p.keyB, [&](const Bytes&) { ++calls; }, p.now);
    p.a->handleMessage(p.keyB, concat({2, 2}, "{}"), p.now + 59s);
    CPPUNIT_ASSERT_EQUAL(1, calls);
    // A reply from another key does not answer a request to keyB.
    p.a->request(RequestKind::NodeInfo, p.keyB, [&](const Bytes&) { ++calls; }, p.now);
    p.a->handleMessage(dispatcherKey(0x55), concat({2, 2}, "{}"), p.now);
    CPPUNIT_ASSERT_EQUAL(1, calls);
  }

  void malformedMessagesAreDropped() {
    Pair p;
    const auto before = p.b->counters().dropped;
    p.b->handleMessage(p.keyA, Bytes{}, p.now);
    p.b->handleMessage(p.keyA, Bytes({2}), p.now);
    p.b->handleMessage(p.keyA, Bytes({1, 1}), p.now);        // traffic, not proto
    p.b->handleMessage(p.keyA, Bytes({2, 3}), p.now);        // unknown proto type
    p.b->handleMessage(p.keyA, Bytes({2, 255}), p.now);      // empty debug
    p.b->handleMessage(p.keyA, Bytes({2, 255, 9}), p.now);   // unknown debug type
    CPPUNIT_ASSERT_EQUAL(before + 6, p.b->counters().dropped);
    CPPUNIT_ASSERT(p.wire.empty());
    // Dummies are ignored quietly; extra bytes after a request are ignored.
    p.b->handleMessage(p.keyA, Bytes({2, 0}), p.now);
    p.b->handleMessage(p.keyA, Bytes({2, 255, 0}), p.now);
    p.b->handleMessage(p.keyA, Bytes({2, 1, 9, 9, 9}), p.now);
    CPPUNIT_ASSERT_EQUAL(before + 6, p.b->counters().dropped);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), p.wire.size());
  }

  void invalidJsonReplyKeepsTheRequestPending() {
    Pair p;
    std::string got;
    p.a->request(RequestKind::Self, p.keyB, [&](const Bytes& b) { got.assign(b.begin(), b.end()); }, p.now);
    p.a->handleMessage(p.keyB, concat({2, 255, 2}, "{\"key\":"), p.now);
    p.a->handleMessage(p.keyB, Bytes({2, 255, 2}), p.now);
    CPPUNIT_ASSERT(got.empty());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), p.a->table(RequestKind::Self).size());
    p.a->handleMessage(p.keyB, concat({2, 255, 2}, R"({"key":"x"})"), p.now);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"key":"x"})"), got);
    // A trailing partial key in a key list is cut off.
    Bytes peers;
    p.a->request(RequestKind::Peers, p.keyB, [&](const Bytes& b) { peers = b; }, p.now);
    Bytes reply({2, 255, 4});
    reply.resize(3 + 32 + 31, 0xee);
    p.a->handleMessage(p.keyB, reply, p.now);
    CPPUNIT_ASSERT_EQUAL(std::size_t(32), peers.size());
  }

  void askingAgainResendsAndOneReplyAnswersAll() {
    Pair p;
    int calls = 0;
    p.a->request(RequestKind::Tree, p.keyB, [&](const Bytes&) { ++calls; }, p.now);
    p.a->request(RequestKind::Tree, p.keyB, [&](const Bytes&) { ++calls; }, p.now);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), p.wire.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), p.a->table(RequestKind::Tree).size());
    p.pump();  // two replies: the first answers both, the second is unsolicited
    CPPUNIT_ASSERT_EQUAL(2, calls);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), p.a->counters().dropped);
  }

  void hookFailuresAreContained() {
    Pair p;
    p.throwInGetSelf = true;
    p.b->handleMessage(p.keyA, Bytes({2, 255, 1}), p.now);
    CPPUNIT_ASSERT(p.wire.empty());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), p.b->counters().dropped);
    // A callback that throws does not stop the others.
    int calls = 0;
    p.a->request(RequestKind::NodeInfo, p.keyB, [&](const Bytes&) { throw std::runtime_error("boom"); }, p.now);
    p.a->request(RequestKind::NodeInfo, p.keyB, [&](const Bytes&) { ++calls; }, p.now);
    p.a->handleMessage(p.keyB, concat({2, 2}, "{}"), p.now);
    CPPUNIT_ASSERT_EQUAL(1, calls);
  }

  void missingHooksAreRefused() {
    ProtoDispatcher::Hooks h;
    try {
      ProtoDispatcher d(h, "{}", ProtoDispatcher::Limits{}, rtk::Log{});
      CPPUNIT_FAIL("constructed without hooks");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::InvalidArgument);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProtoDispatcherTest);
