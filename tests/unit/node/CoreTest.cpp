// Core: two cores in one process, peered over TCP on loopback — links,
// router, sessions, the IPv6 keystore and proto working together.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "NodeTestSupport.hpp"
#include "common/ProcessCounters.hpp"
#include "ratatoskr/error.hpp"

using namespace std::chrono_literals;
using rtk::test::eventually;
using rtk::test::makeCore;

namespace {

constexpr auto kWait = 15s;

bool peerUp(rtk::core::node::Core& core, const rtk::PublicKey& key, bool inbound) {
  for (const auto& p : core.links().getPeers())
    if (p.up && p.key == key && p.inbound == inbound) return true;
  return false;
}

bool inTree(rtk::core::node::Core& core, const rtk::PublicKey& key) {
  auto tree = core.router().getTree();
  return std::any_of(tree.begin(), tree.end(), [&](const rtk::TreeEntry& e) { return e.key == key; });
}

// Our threads ("rtk-..."), once their number stops changing.
std::size_t steadyRtkThreads() {
  std::size_t last = rtk::test::threadsNamed("rtk-");
  for (int i = 0; i < 50; ++i) {
    std::this_thread::sleep_for(100ms);
    std::size_t now = rtk::test::threadsNamed("rtk-");
    if (now == last) return now;
    last = now;
  }
  return last;
}

// Collects the packets a PacketInterface delivers.
class PacketSink {
 public:
  void attach(rtk::core::ipv6::PacketInterface& packets) {
    packets.setPacketHandler([this](rtk::core::OffsetBytes packet) {
      std::lock_guard lock(mutex_);
      packets_.push_back(std::move(packet).take());
      cv_.notify_all();
    });
  }
  bool waitFor(const rtk::core::Bytes& expected, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] {
      return std::find(packets_.begin(), packets_.end(), expected) != packets_.end();
    });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<rtk::core::Bytes> packets_;
};

// Two cores: A listens on an ephemeral loopback port, B dials it.
struct PeeredCores {
  PeeredCores(rtk::NodeConfig configA = {}, rtk::NodeConfig configB = {}) {
    configA.listen = {"tcp://127.0.0.1:0"};
    a = makeCore("core-a", std::move(configA));
    auto listeners = a->links().listeners();
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), listeners.size());
    uri = listeners.front().uri;
    configB.peers = {uri};
    b = makeCore("core-b", std::move(configB));
  }
  bool waitPeered() {
    return eventually([&] { return peerUp(*a, b->publicKey(), true) && peerUp(*b, a->publicKey(), false); }, kWait);
  }
  std::unique_ptr<rtk::core::node::Core> a, b;
  std::string uri;
};

}  // namespace

class CoreTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CoreTest);
  CPPUNIT_TEST(coresSeeEachOtherInPeersAndTree);
  CPPUNIT_TEST(ipv6PacketCrossesBothWays);
  CPPUNIT_TEST(packetToTheSubnetReachesItsOwner);
  CPPUNIT_TEST(nodeInfoAndDebugThroughSessions);
  CPPUNIT_TEST(stopLeavesNoThreadAndIsIdempotent);
  CPPUNIT_TEST(badAllowedKeyIsAConfigError);
  CPPUNIT_TEST(busyListenerThrowsAndLeavesNothingRunning);
  CPPUNIT_TEST(coreMtuIsSessionMtuMinusTypeByte);
  CPPUNIT_TEST_SUITE_END();

 public:
  void coresSeeEachOtherInPeersAndTree() {
    PeeredCores pair;
    CPPUNIT_ASSERT_MESSAGE("peers never came up", pair.waitPeered());
    CPPUNIT_ASSERT(eventually([&] { return inTree(*pair.a, pair.b->publicKey()) && inTree(*pair.b, pair.a->publicKey()); }, kWait));
    // Both agree on one root: the tree entries with a zero-distance parent
    // chain end at the same key, so the two trees hold the same key set.
    auto keys = [](rtk::core::node::Core& c) {
      std::vector<rtk::PublicKey> k;
      for (const auto& e : c.router().getTree()) k.push_back(e.key);
      std::sort(k.begin(), k.end());
      return k;
    };
    CPPUNIT_ASSERT(eventually([&] { return keys(*pair.a) == keys(*pair.b); }, kWait));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), keys(*pair.a).size());
    // The router lists the peer on both sides.
    auto routerPeers = pair.a->router().getPeers();
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), routerPeers.size());
    CPPUNIT_ASSERT(routerPeers.front().key == pair.b->publicKey());
  }

  void ipv6PacketCrossesBothWays() {
    PeeredCores pair;
    CPPUNIT_ASSERT(pair.waitPeered());
    PacketSink atA, atB;
    atA.attach(pair.a->packets());
    atB.attach(pair.b->packets());
    auto toB = rtk::test::ipv6Packet(pair.a->packets().address(), pair.b->packets().address(), "hello from A");
    // The first packet waits in the keystore for the path lookup; later ones
    // go straight through. Resend until one arrives (lookups may race the
    // tree settling), then check an exact copy arrived.
    bool arrived = false;
    for (int i = 0; i < 30 && !arrived; ++i) {
      pair.a->packets().writePacket(toB);
      arrived = atB.waitFor(toB, 500ms);
    }
    CPPUNIT_ASSERT_MESSAGE("A's packet never reached B", arrived);
    auto toA = rtk::test::ipv6Packet(pair.b->packets().address(), pair.a->packets().address(), "and back from B");
    pair.b->packets().writePacket(toA);
    CPPUNIT_ASSERT_MESSAGE("B's reply never reached A (B learned A's key from its traffic)", atA.waitFor(toA, kWait));
    // Each side now has a session with the other.
    auto sessions = pair.a->sessions().getSessions();
    CPPUNIT_ASSERT(std::any_of(sessions.begin(), sessions.end(),
                               [&](const rtk::SessionEntry& s) { return s.key == pair.b->publicKey(); }));
  }

  void packetToTheSubnetReachesItsOwner() {
    PeeredCores pair;
    CPPUNIT_ASSERT(pair.waitPeered());
    PacketSink atB;
    atB.attach(pair.b->packets());
    auto dst = pair.b->packets().subnet();
    dst.bytes[15] = 7;  // a host in B's 300::/64
    auto toSubnet = rtk::test::ipv6Packet(pair.a->packets().address(), dst, "to the subnet");
    bool arrived = false;
    for (int i = 0; i < 30 && !arrived; ++i) {
      pair.a->packets().writePacket(toSubnet);
      arrived = atB.waitFor(toSubnet, 500ms);
    }
    CPPUNIT_ASSERT(arrived);
  }

  void nodeInfoAndDebugThroughSessions() {
    rtk::NodeConfig configB;
    configB.nodeInfo = R"({"name":"core-b","n":7})";
    configB.nodeInfoPrivacy = true;
    PeeredCores pair({}, configB);
    CPPUNIT_ASSERT(pair.waitPeered());
    auto reply = rtk::test::retryOnTimeout([&] { return pair.a->proto().getNodeInfo(pair.b->publicKey(), 2s); }, kWait);
    auto info = Poco::JSON::Parser().parse(reply.json).extract<Poco::JSON::Object::Ptr>();
    CPPUNIT_ASSERT_EQUAL(std::string("core-b"), info->getValue<std::string>("name"));
    CPPUNIT_ASSERT_EQUAL(7, info->getValue<int>("n"));
    CPPUNIT_ASSERT(!info->has("buildname"));  // NodeInfoPrivacy
    CPPUNIT_ASSERT(reply.rtt.count() > 0);
    // debug_remoteGetPeers: B's only peer is A.
    auto peers = pair.a->proto().remoteGetPeers(pair.b->publicKey(), 5s);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), peers.size());
    CPPUNIT_ASSERT(peers.front() == pair.a->publicKey());
  }

  void stopLeavesNoThreadAndIsIdempotent() {
    std::size_t before = steadyRtkThreads();
    {
      PeeredCores pair;
      CPPUNIT_ASSERT(pair.waitPeered());
      CPPUNIT_ASSERT(rtk::test::threadsNamed("rtk-") > before);
      pair.b->stop();
      pair.b->stop();
      // A notices B leaving.
      CPPUNIT_ASSERT(eventually([&] { return !peerUp(*pair.a, pair.b->publicKey(), true); }, kWait));
      pair.a->stop();
      // stop() joined every thread: none is left even before destruction.
      CPPUNIT_ASSERT_EQUAL(before, rtk::test::threadsNamed("rtk-"));
    }
    CPPUNIT_ASSERT_EQUAL(before, rtk::test::threadsNamed("rtk-"));
  }

  void badAllowedKeyIsAConfigError() {
    rtk::NodeConfig config;
    config.allowedPublicKeys = {"not-a-key"};
    try {
      makeCore("core-bad", config);
      CPPUNIT_FAIL("a bad AllowedPublicKeys entry was accepted");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Config);
      CPPUNIT_ASSERT(std::string(e.what()).find("AllowedPublicKeys") != std::string::npos);
      CPPUNIT_ASSERT(std::string(e.what()).find("not-a-key") != std::string::npos);
    }
  }

  void busyListenerThrowsAndLeavesNothingRunning() {
    std::size_t before = steadyRtkThreads();
    rtk::NodeConfig first;
    first.listen = {"tcp://127.0.0.1:0"};
    auto a = makeCore("core-first", first);
    auto uri = a->links().listeners().front().uri;
    // Threads name themselves once running: count when the number is steady.
    std::size_t withA = steadyRtkThreads();
    rtk::NodeConfig second;
    second.listen = {uri};
    second.peers = {"tcp://127.0.0.1:1"};
    try {
      makeCore("core-second", second);
      CPPUNIT_FAIL("a second listener on " + uri + " was accepted");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::AddressInUse);
    }
    CPPUNIT_ASSERT_EQUAL(withA, steadyRtkThreads());
    a.reset();
    CPPUNIT_ASSERT_EQUAL(before, steadyRtkThreads());
  }

  void coreMtuIsSessionMtuMinusTypeByte() {
    auto core = makeCore("core-mtu");
    CPPUNIT_ASSERT(core->coreMtu() > 1280);
    CPPUNIT_ASSERT(core->coreMtu() <= 65535);
    CPPUNIT_ASSERT_EQUAL(std::min<std::uint64_t>(core->sessions().mtu() - 1, 65535), core->coreMtu());
    // IfMTU 65535 is clamped to the core MTU.
    CPPUNIT_ASSERT_EQUAL(core->coreMtu(), core->packets().mtu());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CoreTest);
