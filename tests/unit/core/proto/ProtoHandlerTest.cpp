#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <random>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "ratatoskr/address.hpp"
#include "core/proto/ProtoHandler.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

using namespace rtk::core::proto;
using rtk::Errc;
using rtk::PublicKey;
using rtk::core::Bytes;
using namespace std::chrono_literals;

namespace {

PublicKey handlerKey(std::uint8_t b) {
  PublicKey k;
  for (std::size_t i = 0; i < k.bytes.size(); ++i) k.bytes[i] = static_cast<std::uint8_t>(b * 3 + i);
  return k;
}

std::size_t threadCount() {
  std::size_t n = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

// Collects queryRemote outcomes; counts calls per query so "exactly once"
// can be checked.
struct Outcomes {
  std::mutex m;
  std::condition_variable cv;
  std::vector<rtk::Outcome<rtk::RemoteReply>> got;
  std::vector<int> calls;
  std::thread::id lastThread;
  explicit Outcomes(std::size_t n) : got(n), calls(n, 0) {}
  rtk::DiagnosticInterface::RemoteCallback slot(std::size_t i) {
    return [this, i](rtk::Outcome<rtk::RemoteReply> o) {
      std::lock_guard l(m);
      got[i] = std::move(o);
      ++calls[i];
      lastThread = std::this_thread::get_id();
      cv.notify_all();
    };
  }
  bool waitAll(std::chrono::milliseconds limit) {
    std::unique_lock l(m);
    return cv.wait_for(l, limit, [&] {
      for (int c : calls)
        if (c == 0) return false;
      return true;
    });
  }
};

template <class F>
Errc errorOf(F&& f) {
  try {
    f();
  } catch (const rtk::Error& e) {
    return e.code();
  }
  return Errc::Unknown;
}

// Two handlers whose send hooks deliver to each other (on the other's thread).
struct Network {
  PublicKey keyA = handlerKey(1), keyB = handlerKey(2);
  std::atomic<bool> connected{true};
  std::unique_ptr<ProtoHandler> a, b;

  ProtoHandler::Hooks hooks(PublicKey self, std::unique_ptr<ProtoHandler>* peer) {
    ProtoHandler::Hooks h;
    h.send = [this, self, peer](const PublicKey& dest, Bytes m) {
      // Only the other handler is reachable.
      if (connected && *peer && dest != self && (dest == keyA || dest == keyB))
        (*peer)->handleMessage(self, std::move(m));
    };
    h.getSelf = [self] { return rtk::SelfInfo{self, 42}; };
    h.getPeerKeys = [] { return std::vector<PublicKey>{handlerKey(9), handlerKey(10)}; };
    h.getTreeKeys = [self] { return std::vector<PublicKey>{self}; };
    h.mtu = [] { return std::uint64_t(65535); };
    return h;
  }

  Network() {
    ProtoHandler::Options oa;
    oa.nodeInfo = R"({"who":"a"})";
    ProtoHandler::Options ob;
    ob.nodeInfo = R"({"who":"b"})";
    ob.nodeInfoPrivacy = true;
    a = std::make_unique<ProtoHandler>(hooks(keyA, &b), oa, rtk::Log{});
    b = std::make_unique<ProtoHandler>(hooks(keyB, &a), ob, rtk::Log{});
  }
  ~Network() {
    connected = false;
    a->stop();
    b->stop();
  }
};

}  // namespace

class ProtoHandlerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ProtoHandlerTest);
  CPPUNIT_TEST(getNodeInfoAcrossThreads);
  CPPUNIT_TEST(remoteDebugCalls);
  CPPUNIT_TEST(timesOutWithoutAReply);
  CPPUNIT_TEST(stopReleasesBlockedCallers);
  CPPUNIT_TEST(blockingOnTheProtoThreadIsRefused);
  CPPUNIT_TEST(expiredRequestsIgnoreLateReplies);
  CPPUNIT_TEST(inboundQueueIsBounded);
  CPPUNIT_TEST(adminResponsesMatchYggdrasil);
  CPPUNIT_TEST(badNodeInfoFailsConstruction);
  CPPUNIT_TEST(queryRemoteGivesEachJsonShape);
  CPPUNIT_TEST(queryRemoteTimesOutOnce);
  CPPUNIT_TEST(queryRemoteFailsPendingWithClosedOnStop);
  CPPUNIT_TEST(manyQueriesInFlightAddNoThreads);
  CPPUNIT_TEST(setNodeInfoChangesLaterAnswers);
  CPPUNIT_TEST(setNodeInfoFollowsTheConfRules);
  CPPUNIT_TEST_SUITE_END();

 public:
  void getNodeInfoAcrossThreads() {
    Network n;
    auto reply = n.a->getNodeInfo(n.keyB, 5000ms);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"who":"b"})"), reply.json);
    CPPUNIT_ASSERT(reply.rtt.count() > 0);
    auto back = n.b->getNodeInfo(n.keyA, 5000ms);
    CPPUNIT_ASSERT(back.json.find(R"("buildname":"ratatoskr")") != std::string::npos);
    CPPUNIT_ASSERT(back.json.find(R"("who":"a")") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), n.a->stats().pending[static_cast<int>(RequestKind::NodeInfo)]);
  }

  void remoteDebugCalls() {
    Network n;
    CPPUNIT_ASSERT_EQUAL(R"({"key":")" + n.keyB.hex() + R"(","routing_entries":"42"})", n.a->remoteGetSelf(n.keyB, 5000ms));
    auto peers = n.a->remoteGetPeers(n.keyB, 5000ms);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), peers.size());
    CPPUNIT_ASSERT(peers[1] == handlerKey(10));
    auto tree = n.a->remoteGetTree(n.keyB, 5000ms);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), tree.size());
    CPPUNIT_ASSERT(tree[0] == n.keyB);
  }

  void timesOutWithoutAReply() {
    Network n;
    n.connected = false;
    CPPUNIT_ASSERT(errorOf([&] { n.a->getNodeInfo(n.keyB, 30ms); }) == Errc::Timeout);
    CPPUNIT_ASSERT(errorOf([&] { n.a->remoteGetTree(n.keyB, 30ms); }) == Errc::Timeout);
    // The request stays pending (as in yggdrasil) but the caller's callback is gone.
    auto st = n.a->stats();
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), st.pending[static_cast<int>(RequestKind::NodeInfo)]);
  }

  void stopReleasesBlockedCallers() {
    Network n;
    n.connected = false;
    auto pending = std::async(std::launch::async, [&] { return errorOf([&] { n.a->getNodeInfo(n.keyB, 600000ms); }); });
    // Wait until the request is registered, then stop under it.
    while (n.a->stats().pending[static_cast<int>(RequestKind::NodeInfo)] == 0) std::this_thread::yield();
    n.a->stop();
    CPPUNIT_ASSERT(pending.get() == Errc::Closed);
    CPPUNIT_ASSERT(errorOf([&] { n.a->getNodeInfo(n.keyB, 10ms); }) == Errc::Closed);
    CPPUNIT_ASSERT(errorOf([&] { n.a->request(RequestKind::Self, n.keyB, [](const Bytes&) {}); }) == Errc::Closed);
  }

  void blockingOnTheProtoThreadIsRefused() {
    Network n;
    std::promise<Errc> result;
    n.a->request(RequestKind::NodeInfo, n.keyB, [&](const Bytes&) {
      result.set_value(errorOf([&] { n.a->getNodeInfo(n.keyB, 10ms); }));
    });
    CPPUNIT_ASSERT(result.get_future().get() == Errc::InvalidArgument);
  }

  void expiredRequestsIgnoreLateReplies() {
    auto clock = std::make_shared<std::atomic<std::int64_t>>(0);
    ProtoHandler::Hooks h;
    std::vector<Bytes> sent;
    std::mutex m;
    h.send = [&](const PublicKey&, Bytes msg) {
      std::lock_guard l(m);
      sent.push_back(std::move(msg));
    };
    h.getSelf = [] { return rtk::SelfInfo{}; };
    h.getPeerKeys = [] { return std::vector<PublicKey>{}; };
    h.getTreeKeys = [] { return std::vector<PublicKey>{}; };
    h.mtu = [] { return std::uint64_t(65535); };
    ProtoHandler::Options o;
    o.now = [clock] { return ProtoHandler::Clock::time_point(std::chrono::seconds(clock->load())); };
    ProtoHandler p(h, o, rtk::Log{});
    std::atomic<int> calls{0};
    p.request(RequestKind::NodeInfo, handlerKey(5), [&](const Bytes&) { ++calls; });
    p.expireNow();  // runs after the request on the proto thread
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), p.stats().pending[0]);
    clock->store(61);
    p.expireNow();
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), p.stats().pending[0]);
    p.handleMessage(handlerKey(5), Bytes({2, 2, '{', '}'}));
    auto st = p.stats();  // runs after the message
    CPPUNIT_ASSERT_EQUAL(0, calls.load());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), st.dispatcher.dropped);
  }

  void inboundQueueIsBounded() {
    std::mutex gate;
    std::condition_variable cv;
    bool open = false, entered = false;
    ProtoHandler::Hooks h;
    h.send = [&](const PublicKey&, Bytes) {
      std::unique_lock l(gate);
      entered = true;
      cv.notify_all();
      cv.wait(l, [&] { return open; });
    };
    h.getSelf = [] { return rtk::SelfInfo{}; };
    h.getPeerKeys = [] { return std::vector<PublicKey>{}; };
    h.getTreeKeys = [] { return std::vector<PublicKey>{}; };
    h.mtu = [] { return std::uint64_t(65535); };
    ProtoHandler::Options o;
    o.maxQueuedMessages = 4;
    ProtoHandler p(h, o, rtk::Log{});
    p.request(RequestKind::NodeInfo, handlerKey(1), [](const Bytes&) {});  // blocks the proto thread in send
    {
      std::unique_lock l(gate);
      cv.wait(l, [&] { return entered; });
    }
    for (int i = 0; i < 10; ++i) p.handleMessage(handlerKey(2), Bytes({2, 0}));
    {
      std::lock_guard l(gate);
      open = true;
    }
    cv.notify_all();
    auto st = p.stats();
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(6), st.queueDrops);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(4), st.dispatcher.received);
  }

  void adminResponsesMatchYggdrasil() {
    // Shapes as a real 0.5.12 node answers debug_remoteGet* (see core/proto.go):
    // an empty key list gives an empty object, not {"keys":[]}.
    PublicKey k = handlerKey(4);
    const std::string addr = rtk::formatAddress(rtk::address::addressForKey(k));
    CPPUNIT_ASSERT_EQUAL("{\"" + addr + "\":{}}", ProtoHandler::keysAdminResponse(k, {}));
    CPPUNIT_ASSERT_EQUAL("{\"" + addr + "\":{\"keys\":[\"" + handlerKey(7).hex() + "\"]}}",
                         ProtoHandler::keysAdminResponse(k, {handlerKey(7)}));
    CPPUNIT_ASSERT_EQUAL("{\"" + addr + R"(":{"key":"x","routing_entries":"1"}})",
                         *ProtoHandler::selfAdminResponse(k, R"({"key": "x", "routing_entries": "1"})"));
    // The remote NodeInfo is passed on as sent (member order kept), compacted.
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"abcd":{"z":"<","a":[1,{"c":null,"b":true}]}})"),
                         *ProtoHandler::nodeInfoAdminResponse("abcd", R"({"z":"<", "a":[1, {"c":null,"b":true}]})"));
    CPPUNIT_ASSERT(!ProtoHandler::nodeInfoAdminResponse("abcd", "{"));
    Bytes body(70, 0x11);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), ProtoHandler::splitKeys(body).size());
  }

  void badNodeInfoFailsConstruction() {
    ProtoHandler::Hooks h;
    h.send = [](const PublicKey&, Bytes) {};
    h.getSelf = [] { return rtk::SelfInfo{}; };
    h.getPeerKeys = [] { return std::vector<PublicKey>{}; };
    h.getTreeKeys = [] { return std::vector<PublicKey>{}; };
    h.mtu = [] { return std::uint64_t(65535); };
    ProtoHandler::Options o;
    o.nodeInfo = R"({"x":")" + std::string(20000, 'y') + "\"}";
    CPPUNIT_ASSERT(errorOf([&] { ProtoHandler p(h, o, rtk::Log{}); }) == Errc::Config);
    o.nodeInfo = "[]";
    CPPUNIT_ASSERT(errorOf([&] { ProtoHandler p(h, o, rtk::Log{}); }) == Errc::Config);
  }

  void queryRemoteGivesEachJsonShape() {
    Network n;
    Outcomes o(4);
    n.a->queryRemote(rtk::RemoteQuery::NodeInfo, n.keyB, 5000ms, o.slot(0));
    n.a->queryRemote(rtk::RemoteQuery::Self, n.keyB, 5000ms, o.slot(1));
    n.a->queryRemote(rtk::RemoteQuery::Peers, n.keyB, 5000ms, o.slot(2));
    n.a->queryRemote(rtk::RemoteQuery::Tree, n.keyB, 5000ms, o.slot(3));
    CPPUNIT_ASSERT(o.waitAll(5000ms));
    for (auto& r : o.got) CPPUNIT_ASSERT(r.ok());
    // The same text the blocking calls give.
    CPPUNIT_ASSERT_EQUAL(n.a->getNodeInfo(n.keyB, 5000ms).json, o.got[0].value.json);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"who":"b"})"), o.got[0].value.json);
    CPPUNIT_ASSERT(o.got[0].value.rtt.count() > 0);
    CPPUNIT_ASSERT_EQUAL(n.a->remoteGetSelf(n.keyB, 5000ms), o.got[1].value.json);
    CPPUNIT_ASSERT_EQUAL("[\"" + handlerKey(9).hex() + "\",\"" + handlerKey(10).hex() + "\"]", o.got[2].value.json);
    CPPUNIT_ASSERT_EQUAL("[\"" + n.keyB.hex() + "\"]", o.got[3].value.json);
    n.a->expireNow();
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), n.a->stats().queries);
  }

  void queryRemoteTimesOutOnce() {
    Network n;
    n.connected = false;
    Outcomes o(1);
    auto start = std::chrono::steady_clock::now();
    n.a->queryRemote(rtk::RemoteQuery::Tree, n.keyB, 50ms, o.slot(0));
    CPPUNIT_ASSERT(o.waitAll(5000ms));
    CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start >= 50ms);
    CPPUNIT_ASSERT(o.got[0].error && o.got[0].error->code() == Errc::Timeout);
    CPPUNIT_ASSERT(std::string(o.got[0].error->what()).find("no reply within 50 ms") != std::string::npos);
    // A reply after the deadline calls nobody: the waiter is gone.
    n.connected = true;
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), n.a->remoteGetTree(n.keyB, 5000ms).size());
    std::this_thread::sleep_for(20ms);
    std::lock_guard l(o.m);
    CPPUNIT_ASSERT_EQUAL(1, o.calls[0]);
  }

  void queryRemoteFailsPendingWithClosedOnStop() {
    Network n;
    n.connected = false;
    Outcomes o(3);
    for (std::size_t i = 0; i < 3; ++i) n.a->queryRemote(rtk::RemoteQuery::Self, handlerKey(40 + i), 600000ms, o.slot(i));
    n.a->stop();
    // stop() returns after the callbacks ran (on the proto thread).
    {
      std::lock_guard l(o.m);
      for (std::size_t i = 0; i < 3; ++i) {
        CPPUNIT_ASSERT_EQUAL(1, o.calls[i]);
        CPPUNIT_ASSERT(o.got[i].error && o.got[i].error->code() == Errc::Closed);
      }
      CPPUNIT_ASSERT(o.lastThread != std::this_thread::get_id());
    }
    bool called = false;
    CPPUNIT_ASSERT(errorOf([&] {
                     n.a->queryRemote(rtk::RemoteQuery::Self, n.keyB, 10ms, [&](auto) { called = true; });
                   }) == Errc::Closed);
    CPPUNIT_ASSERT(!called);
  }

  void manyQueriesInFlightAddNoThreads() {
    Network n;
    constexpr std::size_t kUnreachable = 224, kReal = 32, kAll = kUnreachable + kReal;
    n.a->expireNow();
    const std::size_t before = threadCount();
    Outcomes o(kAll);
    std::mt19937 rng(7);
    for (std::size_t i = 0; i < kAll; ++i) {
      PublicKey k;
      if (i < kUnreachable)
        for (auto& b : k.bytes) b = static_cast<std::uint8_t>(rng());
      auto what = static_cast<rtk::RemoteQuery>(i % 4);
      if (i < kUnreachable)
        n.a->queryRemote(what, k, 300ms, o.slot(i));
      else
        n.a->queryRemote(what, n.keyB, 5000ms, o.slot(i));
    }
    const std::size_t during = threadCount();
    CPPUNIT_ASSERT(n.a->stats().queries > 0);
    CPPUNIT_ASSERT(o.waitAll(10000ms));
    std::this_thread::sleep_for(350ms);  // anything late would show up as a second call
    std::lock_guard l(o.m);
    std::size_t timeouts = 0, answers = 0;
    for (std::size_t i = 0; i < kAll; ++i) {
      CPPUNIT_ASSERT_EQUAL(1, o.calls[i]);
      if (o.got[i].ok())
        ++answers;
      else if (o.got[i].error->code() == Errc::Timeout)
        ++timeouts;
    }
    CPPUNIT_ASSERT_EQUAL(kUnreachable, timeouts);
    CPPUNIT_ASSERT_EQUAL(kReal, answers);
    CPPUNIT_ASSERT(during <= before + 2);
    CPPUNIT_ASSERT(threadCount() <= before + 2);
  }

  void setNodeInfoChangesLaterAnswers() {
    Network n;
    n.a->setNodeInfo(R"({"who":"a2","n":5.0})");
    CPPUNIT_ASSERT(n.a->nodeInfo().find(R"("n":5,)") != std::string::npos);
    CPPUNIT_ASSERT(n.a->nodeInfo().find(R"("buildname":"ratatoskr")") != std::string::npos);
    auto reply = n.b->getNodeInfo(n.keyA, 5000ms);
    CPPUNIT_ASSERT_EQUAL(n.a->nodeInfo(), reply.json);
    CPPUNIT_ASSERT(reply.json.find(R"("who":"a2")") != std::string::npos);
    // Concurrent answering while it changes: every answer is one of the values set.
    std::atomic<bool> stop{false};
    std::thread setter([&] {
      for (int i = 0; !stop; ++i) n.a->setNodeInfo("{\"i\":" + std::to_string(i % 2) + "}");
    });
    for (int i = 0; i < 50; ++i) {
      auto r = n.b->getNodeInfo(n.keyA, 5000ms).json;
      CPPUNIT_ASSERT(r.find(R"({"buildarch")") == 0 && (r.find(R"("i":0)") != std::string::npos ||
                                                        r.find(R"("i":1)") != std::string::npos ||
                                                        r.find(R"("who":"a2")") != std::string::npos));
    }
    stop = true;
    setter.join();
    n.a->stop();
    CPPUNIT_ASSERT(errorOf([&] { n.a->setNodeInfo("{}"); }) == Errc::Closed);
  }

  void setNodeInfoFollowsTheConfRules() {
    Network n;
    const std::string old = n.a->nodeInfo();
    CPPUNIT_ASSERT(errorOf([&] { n.a->setNodeInfo("[1]"); }) == Errc::InvalidArgument);
    CPPUNIT_ASSERT(errorOf([&] { n.a->setNodeInfo("null"); }) == Errc::InvalidArgument);
    CPPUNIT_ASSERT(errorOf([&] { n.a->setNodeInfo("{"); }) == Errc::InvalidArgument);
    // A has privacy off: the build keys are the node's.
    CPPUNIT_ASSERT(errorOf([&] { n.a->setNodeInfo(R"({"buildversion":"9"})"); }) == Errc::InvalidArgument);
    // 16384 bytes including the build keys.
    CPPUNIT_ASSERT(errorOf([&] { n.a->setNodeInfo(R"({"x":")" + std::string(16380, 'p') + "\"}"); }) ==
                   Errc::MessageTooLarge);
    CPPUNIT_ASSERT_EQUAL(old, n.a->nodeInfo());
    // B has privacy on: anything goes, nothing is added.
    n.b->setNodeInfo(R"({"buildversion":"9"})");
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"buildversion":"9"})"), n.a->getNodeInfo(n.keyB, 5000ms).json);
    std::string fits = R"({"x":")" + std::string(16384 - 8, 'p') + "\"}";
    n.b->setNodeInfo(fits);
    CPPUNIT_ASSERT_EQUAL(fits, n.b->nodeInfo());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProtoHandlerTest);
