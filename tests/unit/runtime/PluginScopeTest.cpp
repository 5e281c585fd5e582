// The core services' round trip: FakeNode → PluginScope (the six C
// tables) → the SDK's clients. Every call, value and error code must come
// out of the client as it went into the fake, including blocking reads and
// accepts that another thread unblocks with close(); and what a plugin holds
// is taken back at the steps abi.h promises.
#include <cppunit/extensions/HelperMacros.h>

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "common/FakeNode.hpp"
#include "ratatoskr/services/admin.hpp"
#include "ratatoskr/services/diagnostics.hpp"
#include "ratatoskr/services/metrics.hpp"
#include "ratatoskr/services/network.hpp"
#include "ratatoskr/services/nodeinfo.hpp"
#include "ratatoskr/services/peers.hpp"
#include "runtime/MetricsRegistry.hpp"
#include "runtime/NodeInfoComposer.hpp"
#include "runtime/scope/PluginScope.hpp"

using namespace std::chrono_literals;

namespace rtk::host {
namespace {

PublicKey keyOf(std::uint8_t seed) {
  PublicKey k;
  for (std::size_t i = 0; i < k.bytes.size(); ++i) k.bytes[i] = static_cast<std::uint8_t>(seed + i);
  return k;
}

Endpoint endpoint(const char* text) { return parseEndpoint(text); }

// Waits (bounded, without sleeping in a loop on the happy path) until a
// FakePipe has a blocked caller, so close() races nothing.
void waitForWaiter(test::FakePipe& pipe) {
  auto until = std::chrono::steady_clock::now() + 10s;
  while (pipe.waiters.load() == 0) {
    CPPUNIT_ASSERT_MESSAGE("no thread blocked on the fake within 10 s", std::chrono::steady_clock::now() < until);
    std::this_thread::yield();
  }
}

}  // namespace

class PluginScopeTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PluginScopeTest);
  CPPUNIT_TEST(identityRoundTrips);
  CPPUNIT_TEST(gettersOfAThrowingNodeReturnZeros);
  CPPUNIT_TEST(everyErrorCodeRoundTrips);
  CPPUNIT_TEST(peerCallsRoundTrip);
  CPPUNIT_TEST(diagnosticsRoundTrip);
  CPPUNIT_TEST(dialPassesDeadlineAndStream);
  CPPUNIT_TEST(dialCancelledFromAnotherThread);
  CPPUNIT_TEST(blockingReadUnblockedByClose);
  CPPUNIT_TEST(connDeadlinesAndHalfClose);
  CPPUNIT_TEST(nonBlockingConnCallsCrossTheTable);
  CPPUNIT_TEST(listenerAcceptsAndUnblocksOnClose);
  CPPUNIT_TEST(packetConnRoundTrip);
  CPPUNIT_TEST(adminCommandsAreTakenBackBeforeStop);
  CPPUNIT_TEST(peerEventsReachThePluginOnItsCallbackThread);
  CPPUNIT_TEST(subscriptionsEndBeforeStop);
  CPPUNIT_TEST(asyncQueriesReplyOnceAndPendingOnesAreCancelledAtStop);
  CPPUNIT_TEST(probeReportsKeyAndRtt);
  CPPUNIT_TEST(nodeInfoKeysAreOwnedAndWithdrawnAtUnload);
  CPPUNIT_TEST(handlesLeftOpenAreAbortedAtUnload);
  CPPUNIT_TEST(metricsRoundTripAndCollectorsAreTakenBackBeforeStop);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    fake_ = std::make_shared<test::FakeNode>();
    composer_ = std::make_unique<NodeInfoComposer>(
        fake_, R"({"name":"conf-name"})",
        std::map<std::string, std::string>{{"name", "the conf's NodeInfo"}, {"location", "sigil \"info\""}}, Log());
    scope_ = std::make_unique<PluginScope>("plugin-a", fake_, *composer_, metrics_, Log());
    makeClients();
  }
  void tearDown() override {
    dropClients();
    scope_.reset();
    composer_.reset();
    fake_.reset();
  }

  void metricsRoundTripAndCollectorsAreTakenBackBeforeStop() {
    sdk::MetricsClient client(table<rtk_metrics_service>(RTK_METRICS_SERVICE_ID), Log());
    int calls = 0;
    client.addCollector([&](sdk::MetricWriter& out) {
      ++calls;
      out.counter("ratatoskr_test_requests_total", "requests served", 42, {{"listener", "a\"b"}});
      out.gauge("ratatoskr_test_open", "open now", 1.5);
    });
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), scope_->holdings().collectors);
    std::vector<std::string> seen;
    client.collect([&](const sdk::MetricSample& s) {
      std::string line = std::string(s.type == sdk::MetricType::Counter ? "counter " : "gauge ") + std::string(s.name);
      for (const auto& [k, v] : s.labels) line += " " + std::string(k) + "=" + std::string(v);
      line += " " + std::to_string(s.value) + " (" + std::string(s.help) + ")";
      seen.push_back(line);
    });
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), seen.size());
    CPPUNIT_ASSERT_EQUAL(std::string("gauge ratatoskr_host_sample 7.000000 (the host's own)"), seen[0]);
    CPPUNIT_ASSERT_EQUAL(std::string("counter ratatoskr_test_requests_total listener=a\"b 42.000000 (requests served)"), seen[1]);
    CPPUNIT_ASSERT_EQUAL(std::string("gauge ratatoskr_test_open 1.500000 (open now)"), seen[2]);
    CPPUNIT_ASSERT_EQUAL(1, calls);

    // Another plugin's collector id is not this scope's to remove.
    table<rtk_metrics_service>(RTK_METRICS_SERVICE_ID).remove_collector(
        table<rtk_metrics_service>(RTK_METRICS_SERVICE_ID).metrics, 999);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), metrics_.size());

    scope_->beforeStop();
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), metrics_.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), scope_->holdings().collectors);
    std::size_t after = 0;
    client.collect([&](const sdk::MetricSample&) { ++after; });
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), after);  // the host's sample only
    CPPUNIT_ASSERT_EQUAL(1, calls);
    // A stopping plugin cannot add collectors again.
    CPPUNIT_ASSERT_THROW(client.addCollector([](sdk::MetricWriter&) {}), Error);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), metrics_.size());
  }

  void identityRoundTrips() {
    fake_->addressValue = *parseAddress("200:1234:5678::9");
    fake_->subnetValue = *parseAddress("300:1234:5678:9::");
    fake_->keyValue = keyOf(7);
    fake_->mtuValue = 65535;
    CPPUNIT_ASSERT(net_->address() == *fake_->addressValue);
    CPPUNIT_ASSERT(net_->subnet() == *fake_->subnetValue);
    CPPUNIT_ASSERT(net_->publicKey() == fake_->keyValue);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(65535), net_->mtu());
  }

  void gettersOfAThrowingNodeReturnZeros() {
    fake_->addressValue = *parseAddress("200::1");
    fake_->keyValue = keyOf(1);
    fake_->throwOnGetters = true;
    CPPUNIT_ASSERT(net_->address().isUnspecified());
    CPPUNIT_ASSERT(net_->publicKey() == PublicKey{});
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), net_->mtu());
  }

  void everyErrorCodeRoundTrips() {
    for (int c = static_cast<int>(Errc::Unknown); c <= static_cast<int>(Errc::WouldBlock); ++c) {
      auto code = static_cast<Errc>(c);
      std::string message = std::string("peers: tls://h:443: ") + errcName(code);
      fake_->failWith(code, message);
      try {
        peers_->retryPeers();
        CPPUNIT_FAIL(std::string("no exception for ") + errcName(code));
      } catch (const Error& e) {
        CPPUNIT_ASSERT_EQUAL(static_cast<int>(code), static_cast<int>(e.code()));
        CPPUNIT_ASSERT_EQUAL(message, std::string(e.what()));
      }
    }
  }

  void peerCallsRoundTrip() {
    peers_->addPeer("tls://peer.example.net:443", "eth0");
    auto call = fake_->lastCall("addPeer");
    CPPUNIT_ASSERT(call);
    CPPUNIT_ASSERT_EQUAL(std::string("tls://peer.example.net:443"), call->args.at(0));
    CPPUNIT_ASSERT_EQUAL(std::string("eth0"), call->args.at(1));
    fake_->configuredPeers.insert("tcp://[::1]:1");
    peers_->removePeer("tcp://[::1]:1", "");
    CPPUNIT_ASSERT_EQUAL(std::string("tcp://[::1]:1"), fake_->lastCall("removePeer")->args.at(0));
    CPPUNIT_ASSERT_EQUAL(std::string(""), fake_->lastCall("removePeer")->args.at(1));

    PeerInfo a;
    a.uri = "tls://a.example:443?key=00";
    a.up = true;
    a.inbound = false;
    a.key = keyOf(3);
    a.root = keyOf(9);
    a.port = 42;
    a.priority = 255;
    a.cost = 18446744073709551615ull;
    a.rxBytes = 9007199254740993ull;  // above 2^53: must not pass through a double
    a.txBytes = 1;
    a.rxRate = 2;
    a.txRate = 3;
    a.uptime = 123456789012345ns;
    a.latency = 1500us;
    a.lastError = "handshake: \"password\" does not match\n";
    a.lastErrorTime = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(1700000000123456789ns));
    PeerInfo b;
    b.uri = "tcp://[fe80::1%eth0]:9001";
    b.inbound = true;
    fake_->peers = {a, b};
    auto got = peers_->getPeers();
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), got.size());
    const auto& g = got[0];
    CPPUNIT_ASSERT_EQUAL(a.uri, g.uri);
    CPPUNIT_ASSERT(g.up && !g.inbound);
    CPPUNIT_ASSERT(g.key == a.key && g.root == a.root);
    CPPUNIT_ASSERT_EQUAL(a.port, g.port);
    CPPUNIT_ASSERT_EQUAL(int(a.priority), int(g.priority));
    CPPUNIT_ASSERT_EQUAL(a.cost, g.cost);
    CPPUNIT_ASSERT_EQUAL(a.rxBytes, g.rxBytes);
    CPPUNIT_ASSERT_EQUAL(a.txBytes, g.txBytes);
    CPPUNIT_ASSERT_EQUAL(a.rxRate, g.rxRate);
    CPPUNIT_ASSERT_EQUAL(a.txRate, g.txRate);
    CPPUNIT_ASSERT(a.uptime == g.uptime);
    CPPUNIT_ASSERT(a.latency == g.latency);
    CPPUNIT_ASSERT_EQUAL(a.lastError, g.lastError);
    CPPUNIT_ASSERT(a.lastErrorTime == g.lastErrorTime);
    CPPUNIT_ASSERT(got[1].inbound && !got[1].up);
    CPPUNIT_ASSERT_EQUAL(b.uri, got[1].uri);

    peers_->retryPeers();
    CPPUNIT_ASSERT(fake_->lastCall("retryPeers"));
    fake_->failWith(Errc::AlreadyExists, "peers: tls://a:1: peer is already configured");
    try {
      peers_->addPeer("tls://a:1");
      CPPUNIT_FAIL("duplicate peer accepted");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::AlreadyExists);
      CPPUNIT_ASSERT_EQUAL(std::string("peers: tls://a:1: peer is already configured"), std::string(e.what()));
    }
  }

  void diagnosticsRoundTrip() {
    fake_->keyValue = keyOf(1);
    fake_->routingEntries = 77;
    fake_->tree = {TreeEntry{keyOf(1), keyOf(2), 5}, TreeEntry{keyOf(2), keyOf(2), 6}};
    fake_->paths = {PathEntry{keyOf(4), {1, 2, 18446744073709551615ull}, 9}};
    fake_->sessions = {SessionEntry{keyOf(5), 10, 20, 30s}};
    fake_->remoteNodeInfo = "{\"name\":\"peer\",\"n\":[1,2]}";
    fake_->remoteNodeInfoRtt = 1234567ns;
    fake_->remoteSelf = "{\"key\":\"ab\",\"coords\":[1,2]}";
    fake_->remotePeers = std::vector<PublicKey>{keyOf(6), keyOf(7)};
    fake_->remoteTree = std::vector<PublicKey>{keyOf(8)};

    auto self = diag_->getSelf();
    CPPUNIT_ASSERT(self.key == keyOf(1));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(77), self.routingEntries);
    auto tree = diag_->getTree();
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), tree.size());
    CPPUNIT_ASSERT(tree[0].key == keyOf(1) && tree[0].parent == keyOf(2) && tree[0].sequence == 5);
    CPPUNIT_ASSERT(tree[1].sequence == 6);
    auto paths = diag_->getPaths();
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), paths.size());
    CPPUNIT_ASSERT(paths[0].path == fake_->paths[0].path);
    CPPUNIT_ASSERT(paths[0].key == keyOf(4) && paths[0].sequence == 9);
    auto sessions = diag_->getSessions();
    CPPUNIT_ASSERT(sessions.size() == 1 && sessions[0].key == keyOf(5) && sessions[0].rxBytes == 10 &&
                   sessions[0].txBytes == 20 && sessions[0].uptime == 30s);
    diag_->sendLookup(keyOf(9));
    CPPUNIT_ASSERT_EQUAL(keyOf(9).hex(), fake_->lastCall("sendLookup")->args.at(0));
    auto info = diag_->getNodeInfo(keyOf(10), 6000ms);
    CPPUNIT_ASSERT_EQUAL(*fake_->remoteNodeInfo, info.json);
    CPPUNIT_ASSERT(info.rtt == 1234567ns);
    CPPUNIT_ASSERT_EQUAL(std::string("6000"), fake_->lastCall("getNodeInfo")->args.at(1));
    CPPUNIT_ASSERT_EQUAL(*fake_->remoteSelf, diag_->remoteGetSelf(keyOf(11), 100ms));
    CPPUNIT_ASSERT_EQUAL(keyOf(11).hex(), fake_->lastCall("remoteGetSelf")->args.at(0));
    CPPUNIT_ASSERT(diag_->remoteGetPeers(keyOf(12), 200ms) == *fake_->remotePeers);
    CPPUNIT_ASSERT_EQUAL(std::string("200"), fake_->lastCall("remoteGetPeers")->args.at(1));
    CPPUNIT_ASSERT(diag_->remoteGetTree(keyOf(13), 300ms) == *fake_->remoteTree);
    fake_->failWith(Errc::Timeout, "proto: timed out waiting for response");
    try {
      diag_->getNodeInfo(keyOf(10), 1ms);
      CPPUNIT_FAIL("timeout lost");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::Timeout);
    }
  }

  void dialPassesDeadlineAndStream() {
    fake_->localEndpoint = endpoint("[200::1]:40000");
    fake_->remoteEndpoint = endpoint("[200:abcd::1]:80");
    auto deadline = Clock::now() + 5s;
    auto conn = net_->dial("tcp", "[200:abcd::1]:80", DialOptions{deadline, {}});
    auto call = fake_->lastCall("dial");
    CPPUNIT_ASSERT_EQUAL(std::string("tcp"), call->args.at(0));
    CPPUNIT_ASSERT_EQUAL(std::string("[200:abcd::1]:80"), call->args.at(1));
    CPPUNIT_ASSERT(fake_->lastDialOptions().deadline == deadline);
    CPPUNIT_ASSERT(!fake_->lastDialOptions().cancel.cancellable());
    CPPUNIT_ASSERT(conn->localEndpoint() == fake_->localEndpoint);
    CPPUNIT_ASSERT(conn->remoteEndpoint() == fake_->remoteEndpoint);
    CPPUNIT_ASSERT_EQUAL(std::size_t(5), conn->write("hello", 5));
    CPPUNIT_ASSERT_EQUAL(std::string("hello"), fake_->dialPipe->written.at(0));
    fake_->dialPipe->push("world!");
    char buf[16] = {};
    CPPUNIT_ASSERT_EQUAL(std::size_t(6), conn->read(buf, sizeof buf));
    CPPUNIT_ASSERT_EQUAL(std::string("world!"), std::string(buf, 6));
    // No deadline crosses as "none".
    net_->dial("udp", "[200::2]:53");
    CPPUNIT_ASSERT(!fake_->lastDialOptions().deadline);
  }

  void dialCancelledFromAnotherThread() {
    fake_->dialBlocks = true;
    CancelSource source;
    auto result = std::async(std::launch::async, [&] {
      try {
        net_->dial("tcp", "[200::9]:1", DialOptions{std::nullopt, source.token()});
        return Errc::Unknown;
      } catch (const Error& e) {
        return e.code();
      }
    });
    auto until = std::chrono::steady_clock::now() + 10s;
    while (!fake_->dialWaiting.load()) {
      CPPUNIT_ASSERT_MESSAGE("dial never started", std::chrono::steady_clock::now() < until);
      std::this_thread::yield();
    }
    CPPUNIT_ASSERT(fake_->lastDialOptions().cancel.cancellable());
    source.cancel();
    CPPUNIT_ASSERT(result.wait_for(10s) == std::future_status::ready);
    CPPUNIT_ASSERT(result.get() == Errc::Cancelled);
  }

  void blockingReadUnblockedByClose() {
    auto conn = net_->dial("tcp", "[200::3]:80");
    auto reader = std::async(std::launch::async, [&] {
      char buf[8];
      try {
        conn->read(buf, sizeof buf);
        return Errc::Unknown;
      } catch (const Error& e) {
        return e.code();
      }
    });
    waitForWaiter(*fake_->dialPipe);
    conn->close();  // from this thread, while the reader blocks
    CPPUNIT_ASSERT(reader.wait_for(10s) == std::future_status::ready);
    CPPUNIT_ASSERT(reader.get() == Errc::Closed);
    try {
      conn->write("x", 1);
      CPPUNIT_FAIL("write after close succeeded");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::Closed);
    }
  }

  void nonBlockingConnCallsCrossTheTable() {
    const auto& t = table<rtk_network_service>(RTK_NETWORK_SERVICE_ID);
    CPPUNIT_ASSERT(t.struct_size >= RTK_NETWORK_SERVICE_SIZE_1_1);
    auto conn = net_->dial("tcp", "[200::3]:80");
    char buf[8];
    CPPUNIT_ASSERT(!conn->tryRead(buf, sizeof buf).has_value());  // RTK_ERR_WOULD_BLOCK, no exception
    fake_->dialPipe->push("abc");
    auto got = conn->tryRead(buf, sizeof buf);
    CPPUNIT_ASSERT(got && *got == 3 && std::string(buf, 3) == "abc");
    {
      std::lock_guard lock(fake_->dialPipe->mutex);
      fake_->dialPipe->tryWriteRoom = 2;
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, conn->tryWrite("xyz", 3));
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, conn->tryWrite("z", 1));  // full: would block
    CPPUNIT_ASSERT_EQUAL(std::string("xy"), fake_->dialPipe->written.back());
    auto codeOf = [](const std::function<void()>& f) {
      try {
        f();
      } catch (const Error& e) {
        return e.code();
      }
      return Errc::Unknown;
    };
    // The provider's conn has no descriptor: NotSupported with its message.
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(Errc::NotSupported), static_cast<int>(codeOf([&] { conn->readinessFd(); })));
    // A 1.0 provider's table: the client refuses without calling past its end.
    rtk_network_service old = t;
    old.struct_size = static_cast<std::uint32_t>(RTK_NETWORK_SERVICE_SIZE_1_0);
    old.conn_try_read = nullptr;
    sdk::NetworkClient oldNet(old);
    auto oldConn = oldNet.dial("tcp", "[200::4]:80");
    try {
      oldConn->tryRead(buf, sizeof buf);
      CPPUNIT_FAIL("tryRead called through a 1.0 table");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::NotSupported);
      CPPUNIT_ASSERT(std::string(e.what()).find("predates") != std::string::npos);
    }
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(Errc::NotSupported), static_cast<int>(codeOf([&] { oldConn->readinessFd(); })));
  }

  void connDeadlinesAndHalfClose() {
    auto conn = net_->dial("tcp", "[200::3]:80");
    auto when = Clock::now() + 250ms;
    conn->setReadDeadline(when);
    conn->setWriteDeadline(std::nullopt);
    CPPUNIT_ASSERT(fake_->dialPipe->readDeadline == when);
    CPPUNIT_ASSERT(!fake_->dialPipe->writeDeadline);
    conn->setDeadline(when);
    CPPUNIT_ASSERT(fake_->dialPipe->writeDeadline == when);
    conn->setReadDeadline(Clock::now() - 1s);  // already passed
    char buf[4];
    try {
      conn->read(buf, sizeof buf);
      CPPUNIT_FAIL("read past its deadline succeeded");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::Timeout);
    }
    conn->closeWrite();
    CPPUNIT_ASSERT(fake_->dialPipe->writeClosed);
  }

  void listenerAcceptsAndUnblocksOnClose() {
    fake_->localEndpoint = endpoint("[200::1]:8080");
    auto listener = net_->listen("tcp", ":8080");
    CPPUNIT_ASSERT_EQUAL(std::string(":8080"), fake_->lastCall("listen")->args.at(1));
    CPPUNIT_ASSERT(listener->localEndpoint() == fake_->localEndpoint);
    fake_->listenPipe->push("GET /", endpoint("[200:ff::7]:51000"));
    auto conn = listener->accept();
    CPPUNIT_ASSERT(conn->remoteEndpoint() == endpoint("[200:ff::7]:51000"));
    char buf[8] = {};
    CPPUNIT_ASSERT_EQUAL(std::size_t(5), conn->read(buf, sizeof buf));
    CPPUNIT_ASSERT_EQUAL(std::string("GET /"), std::string(buf, 5));

    auto acceptor = std::async(std::launch::async, [&] {
      try {
        listener->accept();
        return Errc::Unknown;
      } catch (const Error& e) {
        return e.code();
      }
    });
    waitForWaiter(*fake_->listenPipe);
    listener->close();
    CPPUNIT_ASSERT(acceptor.wait_for(10s) == std::future_status::ready);
    CPPUNIT_ASSERT(acceptor.get() == Errc::Closed);
  }

  void packetConnRoundTrip() {
    fake_->localEndpoint = endpoint("[200::1]:9000");
    auto pc = net_->listenPacket("udp", ":9000");
    CPPUNIT_ASSERT_EQUAL(std::string("udp"), fake_->lastCall("listenPacket")->args.at(0));
    CPPUNIT_ASSERT(pc->localEndpoint() == fake_->localEndpoint);
    auto to = endpoint("[200:1::5]:53");
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), pc->writeTo("ping", 4, to));
    CPPUNIT_ASSERT(fake_->packetPipe->writtenTo.at(0) == to);
    std::string big(2000, 'x');
    try {
      pc->writeTo(big.data(), big.size(), to);
      CPPUNIT_FAIL("oversized datagram accepted");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::MessageTooLarge);
    }
    fake_->packetPipe->push("pong!", endpoint("[200:1::5]:53"));
    char buf[3];
    Endpoint from;
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), pc->readFrom(buf, sizeof buf, from));  // truncated to the buffer
    CPPUNIT_ASSERT_EQUAL(std::string("pon"), std::string(buf, 3));
    CPPUNIT_ASSERT(from == to);
    auto when = Clock::now() + 1s;
    pc->setReadDeadline(when);
    pc->setWriteDeadline(when);
    CPPUNIT_ASSERT(fake_->packetPipe->readDeadline == when && fake_->packetPipe->writeDeadline == when);
    pc->setReadDeadline(std::nullopt);
    auto reader = std::async(std::launch::async, [&] {
      try {
        Endpoint f;
        pc->readFrom(buf, sizeof buf, f);
        return Errc::Unknown;
      } catch (const Error& e) {
        return e.code();
      }
    });
    waitForWaiter(*fake_->packetPipe);
    pc->close();
    CPPUNIT_ASSERT(reader.wait_for(10s) == std::future_status::ready);
    CPPUNIT_ASSERT(reader.get() == Errc::Closed);
  }

  void adminCommandsAreTakenBackBeforeStop() {
    auto alive = std::make_shared<int>(0);
    std::weak_ptr<int> watch = alive;
    admin_->add("getStatus", "Show the plugin's status", {"verbose", "format"}, [alive](std::string_view args) -> std::string {
      auto v = json::Value::parse(args);
      if (v.get("fail").isBool()) throw Error(Errc::NotFound, "getStatus: no such thing");
      return "{\"echo\":" + v.dump() + "}";
    });
    admin_->add("other", "", {}, [](std::string_view) { return std::string("{}"); });
    alive.reset();
    CPPUNIT_ASSERT_MESSAGE("the node must hold the handler", !watch.expired());
    auto call = fake_->lastCall("addAdminHandler");
    std::vector<std::string> expected{"other", ""};
    CPPUNIT_ASSERT(call->args == expected);
    auto handler = fake_->adminHandlers().at("getstatus");  // names are case-insensitive: stored lowercase
    CPPUNIT_ASSERT_EQUAL(std::string("{\"echo\":{\"a\":1}}"), handler("{\"a\":1}"));
    try {
      handler("{\"fail\":true}");
      CPPUNIT_FAIL("handler error lost");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::NotFound);
      CPPUNIT_ASSERT_EQUAL(std::string("getStatus: no such thing"), std::string(e.what()));
    }
    handler = nullptr;
    // A command of this plugin can be removed; one it does not own cannot.
    admin_->remove("OTHER");
    CPPUNIT_ASSERT(!fake_->adminHandlers().count("other"));
    try {
      admin_->remove("other");
      CPPUNIT_FAIL("removed a command twice");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::NotFound);
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), scope_->holdings().adminCommands);
    scope_->beforeStop();
    CPPUNIT_ASSERT(fake_->adminHandlers().empty());
    CPPUNIT_ASSERT_MESSAGE("release() must run once the node dropped the handler", watch.expired());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), scope_->holdings().adminCommands);
  }

  void peerEventsReachThePluginOnItsCallbackThread() {
    std::mutex m;
    std::condition_variable cv;
    std::vector<PeerEvent> seen;
    std::string thread;
    auto id = peers_->subscribePeerEvents([&](const PeerEvent& e) {
      char name[16] = {};
      pthread_getname_np(pthread_self(), name, sizeof name);
      std::lock_guard lock(m);
      seen.push_back(e);
      thread = name;
      cv.notify_all();
    });
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), fake_->subscriberCount());
    PeerEvent up;
    up.kind = PeerEvent::Kind::Up;
    up.uri = "tls://[::1]:1";
    up.key = keyOf(4);
    up.inbound = true;
    PeerEvent down = up;
    down.kind = PeerEvent::Kind::Down;
    down.error = "EOF";
    fake_->emitPeerEvent(up);
    fake_->emitPeerEvent(down);
    {
      std::unique_lock lock(m);
      CPPUNIT_ASSERT(cv.wait_for(lock, 10s, [&] { return seen.size() == 2; }));
      CPPUNIT_ASSERT(seen[0].kind == PeerEvent::Kind::Up && seen[1].kind == PeerEvent::Kind::Down);
      CPPUNIT_ASSERT_EQUAL(up.uri, seen[0].uri);
      CPPUNIT_ASSERT(seen[0].key == up.key && seen[0].inbound);
      CPPUNIT_ASSERT_EQUAL(std::string("EOF"), seen[1].error);
      CPPUNIT_ASSERT_EQUAL(std::string("rtk-cb-plugin-a"), thread);
    }
    peers_->unsubscribePeerEvents(id);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), fake_->subscriberCount());
    fake_->emitPeerEvent(up);
    scope_->callbacks()->barrier();
    std::lock_guard lock(m);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), seen.size());
  }

  void subscriptionsEndBeforeStop() {
    std::atomic<int> events{0};
    peers_->subscribePeerEvents([&](const PeerEvent&) { ++events; });
    scope_->beforeStop();
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), fake_->subscriberCount());
    fake_->emitPeerEvent(PeerEvent{});
    scope_->callbacks()->barrier();
    CPPUNIT_ASSERT_EQUAL(0, events.load());
  }

  void asyncQueriesReplyOnceAndPendingOnesAreCancelledAtStop() {
    std::mutex m;
    std::condition_variable cv;
    std::vector<Outcome<RemoteReply>> replies;
    auto collect = [&](Outcome<RemoteReply> r) {
      std::lock_guard lock(m);
      replies.push_back(std::move(r));
      cv.notify_all();
    };
    for (int i = 0; i < 3; ++i) diag_->queryRemote(RemoteQuery::Peers, keyOf(static_cast<std::uint8_t>(i)), 500ms, collect);
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), scope_->holdings().pendingReplies);
    auto call = fake_->lastCall("queryRemote");
    CPPUNIT_ASSERT_EQUAL(std::string("2"), call->args.at(0));  // RemoteQuery::Peers
    CPPUNIT_ASSERT_EQUAL(std::string("500"), call->args.at(2));
    // Two answered by the node (one ok, one timeout), one still pending at stop.
    bool first = true;
    fake_->answerQueries([&] {
      Outcome<RemoteReply> r;
      if (first) {
        r.value = RemoteReply{"[\"" + keyOf(9).hex() + "\"]", 1234ns};
      } else {
        r.error = Error(Errc::Timeout, "proto: no reply within 500 ms");
      }
      first = false;
      return r;
    });
    diag_->queryRemote(RemoteQuery::NodeInfo, keyOf(5), 1s, collect);
    {
      std::unique_lock lock(m);
      CPPUNIT_ASSERT(cv.wait_for(lock, 10s, [&] { return replies.size() == 3; }));
      CPPUNIT_ASSERT(replies[0].ok());
      CPPUNIT_ASSERT_EQUAL(std::int64_t(1234), static_cast<std::int64_t>(replies[0].value.rtt.count()));
      CPPUNIT_ASSERT(replies[1].error && replies[1].error->code() == Errc::Timeout);
    }
    scope_->beforeStop();
    scope_->afterStop();  // the fourth is cancelled, exactly once
    {
      std::lock_guard lock(m);
      CPPUNIT_ASSERT_EQUAL(std::size_t(4), replies.size());
      CPPUNIT_ASSERT(replies[3].error && replies[3].error->code() == Errc::Cancelled);
    }
    // The node's late answer finds nothing to deliver.
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), fake_->answerQueries([] { return Outcome<RemoteReply>{}; }));
    std::lock_guard lock(m);
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), replies.size());
    // After stop no new asynchronous call is accepted.
    try {
      diag_->queryRemote(RemoteQuery::Self, keyOf(1), 1s, collect);
      CPPUNIT_FAIL("a stopped plugin started a query");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::Closed);
    }
  }

  void probeReportsKeyAndRtt() {
    std::promise<Outcome<PeerProbe>> got;
    peers_->probePeer("tls://[::1]:9", 2s, [&](Outcome<PeerProbe> r) { got.set_value(std::move(r)); });
    CPPUNIT_ASSERT_EQUAL(std::string("tls://[::1]:9"), fake_->lastCall("probePeer")->args.at(0));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), fake_->finishProbes([] {
      Outcome<PeerProbe> r;
      r.value = PeerProbe{keyOf(6), 2500us};
      return r;
    }));
    auto f = got.get_future();
    CPPUNIT_ASSERT(f.wait_for(10s) == std::future_status::ready);
    auto r = f.get();
    CPPUNIT_ASSERT(r.ok());
    CPPUNIT_ASSERT(r.value.key == keyOf(6));
    CPPUNIT_ASSERT(r.value.rtt == 2500us);
  }

  void nodeInfoKeysAreOwnedAndWithdrawnAtUnload() {
    info_->patch(R"({"motd":"hi","site":"x"})");
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"name":"conf-name","motd":"hi","site":"x"})"), fake_->nodeInfo());
    CPPUNIT_ASSERT_EQUAL(fake_->nodeInfo(), info_->get());
    info_->patch(R"({"site":null})");
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"name":"conf-name","motd":"hi"})"), fake_->nodeInfo());
    auto refused = [&](const std::string& json, Errc code, const char* needle) {
      std::string before = fake_->nodeInfo();
      try {
        info_->patch(json);
        CPPUNIT_FAIL("accepted " + json.substr(0, 40));
      } catch (const Error& e) {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(e.what(), static_cast<int>(code), static_cast<int>(e.code()));
        CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find(needle) != std::string::npos);
      }
      CPPUNIT_ASSERT_EQUAL(before, fake_->nodeInfo());
    };
    refused(R"({"name":"mine"})", Errc::AlreadyExists, "the conf's NodeInfo");
    // A key a sigil owns but leaves out of its fragment is still the sigil's.
    refused(R"({"location":"x"})", Errc::AlreadyExists, "sigil \"info\"");
    refused(R"({"buildname":"x"})", Errc::InvalidArgument, "reserved");
    refused(R"({"ratatoskr":"x"})", Errc::InvalidArgument, "reserved");
    refused(R"([1,2])", Errc::InvalidArgument, "object");
    refused(R"({"big":")" + std::string(17000, 'x') + "\"}", Errc::MessageTooLarge, "16384");
    // Another plugin cannot take this one's key.
    PluginScope other("plugin-b", fake_, *composer_, metrics_, Log());
    sdk::NodeInfoClient otherInfo(*static_cast<const rtk_nodeinfo_service*>(other.table(RTK_NODEINFO_SERVICE_ID)));
    try {
      otherInfo.set(R"({"motd":"theirs"})");
      CPPUNIT_FAIL("a key changed owner");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::AlreadyExists);
      CPPUNIT_ASSERT(std::string(e.what()).find("plugin \"plugin-a\"") != std::string::npos);
    }
    otherInfo.set(R"({"theirs":1})");
    scope_->beforeStop();
    scope_->afterStop();
    scope_->afterUnload();
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"name":"conf-name","theirs":1})"), fake_->nodeInfo());
  }

  void handlesLeftOpenAreAbortedAtUnload() {
    auto conn = net_->dial("tcp", "[200::1]:80");
    auto listener = net_->listen("tcp", ":80");
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), scope_->holdings().handles);
    conn.reset();  // released by the plugin: no longer tracked
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), scope_->holdings().handles);
    // The plugin "forgets" the listener: the host takes it back.
    auto* leaked = listener.release();
    scope_->beforeStop();
    scope_->afterStop();
    scope_->afterUnload();
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), scope_->holdings().handles);
    CPPUNIT_ASSERT(fake_->listenPipe->closed);
    // The client object still points at the freed handle; drop it without
    // calling through (as a plugin being unloaded would).
    ::operator delete(static_cast<void*>(leaked));
  }

 private:
  template <class Table>
  const Table& table(const char* id) {
    return *static_cast<const Table*>(scope_->table(id));
  }
  void makeClients() {
    net_ = std::make_unique<sdk::NetworkClient>(table<rtk_network_service>(RTK_NETWORK_SERVICE_ID));
    peers_ = std::make_unique<sdk::PeersClient>(table<rtk_peers_service>(RTK_PEERS_SERVICE_ID), Log());
    admin_ = std::make_unique<sdk::AdminClient>(table<rtk_admin_service>(RTK_ADMIN_SERVICE_ID));
    diag_ = std::make_unique<sdk::DiagnosticsClient>(table<rtk_diagnostics_service>(RTK_DIAGNOSTICS_SERVICE_ID), Log());
    info_ = std::make_unique<sdk::NodeInfoClient>(table<rtk_nodeinfo_service>(RTK_NODEINFO_SERVICE_ID));
  }
  void dropClients() {
    info_.reset();
    diag_.reset();
    admin_.reset();
    peers_.reset();
    net_.reset();
  }

  std::shared_ptr<test::FakeNode> fake_;
  std::unique_ptr<NodeInfoComposer> composer_;
  MetricsRegistry metrics_{[](const rtk_metric_sink& out) {
    rtk_metric_sample s{sizeof s, RTK_METRIC_GAUGE, sdk::toStr("ratatoskr_host_sample"), sdk::toStr("the host's own"),
                        nullptr, 0, 7};
    out.sample(out.ctx, &s);
  }};
  std::unique_ptr<PluginScope> scope_;
  std::unique_ptr<sdk::NetworkClient> net_;
  std::unique_ptr<sdk::PeersClient> peers_;
  std::unique_ptr<sdk::AdminClient> admin_;
  std::unique_ptr<sdk::DiagnosticsClient> diag_;
  std::unique_ptr<sdk::NodeInfoClient> info_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PluginScopeTest);

}  // namespace rtk::host
