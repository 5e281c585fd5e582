#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <condition_variable>
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

PublicKey key(std::uint8_t b) {
  PublicKey k;
  for (std::size_t i = 0; i < k.bytes.size(); ++i) k.bytes[i] = static_cast<std::uint8_t>(b * 3 + i);
  return k;
}

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
  PublicKey keyA = key(1), keyB = key(2);
  std::atomic<bool> connected{true};
  std::unique_ptr<ProtoHandler> a, b;

  ProtoHandler::Hooks hooks(PublicKey self, std::unique_ptr<ProtoHandler>* peer) {
    ProtoHandler::Hooks h;
    h.send = [this, self, peer](const PublicKey&, Bytes m) {
      if (connected && *peer) (*peer)->handleMessage(self, std::move(m));
    };
    h.getSelf = [self] { return rtk::SelfInfo{self, 42}; };
    h.getPeerKeys = [] { return std::vector<PublicKey>{key(9), key(10)}; };
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
    CPPUNIT_ASSERT(peers[1] == key(10));
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
    p.request(RequestKind::NodeInfo, key(5), [&](const Bytes&) { ++calls; });
    p.expireNow();  // runs after the request on the proto thread
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), p.stats().pending[0]);
    clock->store(61);
    p.expireNow();
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), p.stats().pending[0]);
    p.handleMessage(key(5), Bytes({2, 2, '{', '}'}));
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
    p.request(RequestKind::NodeInfo, key(1), [](const Bytes&) {});  // blocks the proto thread in send
    {
      std::unique_lock l(gate);
      cv.wait(l, [&] { return entered; });
    }
    for (int i = 0; i < 10; ++i) p.handleMessage(key(2), Bytes({2, 0}));
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
    PublicKey k = key(4);
    const std::string addr = rtk::formatAddress(rtk::address::addressForKey(k));
    CPPUNIT_ASSERT_EQUAL("{\"" + addr + "\":{}}", ProtoHandler::keysAdminResponse(k, {}));
    CPPUNIT_ASSERT_EQUAL("{\"" + addr + "\":{\"keys\":[\"" + key(7).hex() + "\"]}}",
                         ProtoHandler::keysAdminResponse(k, {key(7)}));
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
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProtoHandlerTest);
