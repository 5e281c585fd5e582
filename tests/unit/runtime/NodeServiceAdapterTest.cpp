// The node service round trip: FakeNode → NodeServiceAdapter (C table) →
// sdk::NodeClient. Every NodeInterface call, value and error code must come
// out of the client as it went into the fake, including blocking reads and
// accepts that another thread unblocks with close().
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <future>
#include <thread>

#include "FakeNode.hpp"
#include "ratatoskr/services/node.hpp"
#include "runtime/NodeServiceAdapter.hpp"

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

class NodeServiceAdapterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NodeServiceAdapterTest);
  CPPUNIT_TEST(identityRoundTrips);
  CPPUNIT_TEST(gettersOfAThrowingNodeReturnZeros);
  CPPUNIT_TEST(everyErrorCodeRoundTrips);
  CPPUNIT_TEST(peerCallsRoundTrip);
  CPPUNIT_TEST(multicastAndAdminCallsRoundTrip);
  CPPUNIT_TEST(adminHandlerIsCalledAndReleased);
  CPPUNIT_TEST(diagnosticsRoundTrip);
  CPPUNIT_TEST(closeIsRefusedUnlessAllowed);
  CPPUNIT_TEST(dialPassesDeadlineAndStream);
  CPPUNIT_TEST(dialCancelledFromAnotherThread);
  CPPUNIT_TEST(blockingReadUnblockedByClose);
  CPPUNIT_TEST(connDeadlinesAndHalfClose);
  CPPUNIT_TEST(listenerAcceptsAndUnblocksOnClose);
  CPPUNIT_TEST(packetConnRoundTrip);
  CPPUNIT_TEST(tableLayoutIsComplete);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    fake_ = std::make_shared<test::FakeNode>();
    adapter_ = std::make_unique<NodeServiceAdapter>(fake_, Log(), NodeServiceAdapter::Options{true});
    client_ = std::make_unique<sdk::NodeClient>(*adapter_->table());
  }
  void tearDown() override {
    client_.reset();
    adapter_.reset();
    fake_.reset();
  }

  void identityRoundTrips() {
    fake_->addressValue = *parseAddress("200:1234:5678::9");
    fake_->subnetValue = *parseAddress("300:1234:5678:9::");
    fake_->keyValue = keyOf(7);
    fake_->mtuValue = 65535;
    CPPUNIT_ASSERT(client_->address() == fake_->addressValue);
    CPPUNIT_ASSERT(client_->subnet() == fake_->subnetValue);
    CPPUNIT_ASSERT(client_->publicKey() == fake_->keyValue);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(65535), client_->mtu());
  }

  void gettersOfAThrowingNodeReturnZeros() {
    fake_->addressValue = *parseAddress("200::1");
    fake_->keyValue = keyOf(1);
    fake_->throwOnGetters = true;
    CPPUNIT_ASSERT(client_->address().isUnspecified());
    CPPUNIT_ASSERT(client_->publicKey() == PublicKey{});
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), client_->mtu());
  }

  void everyErrorCodeRoundTrips() {
    for (int c = static_cast<int>(Errc::Unknown); c <= static_cast<int>(Errc::Abi); ++c) {
      auto code = static_cast<Errc>(c);
      std::string message = std::string("peers: tls://h:443: ") + errcName(code);
      fake_->failWith(code, message);
      try {
        client_->retryPeers();
        CPPUNIT_FAIL(std::string("no exception for ") + errcName(code));
      } catch (const Error& e) {
        CPPUNIT_ASSERT_EQUAL(static_cast<int>(code), static_cast<int>(e.code()));
        CPPUNIT_ASSERT_EQUAL(message, std::string(e.what()));
      }
    }
  }

  void peerCallsRoundTrip() {
    client_->addPeer("tls://peer.example.net:443", "eth0");
    auto call = fake_->lastCall("addPeer");
    CPPUNIT_ASSERT(call);
    CPPUNIT_ASSERT_EQUAL(std::string("tls://peer.example.net:443"), call->args.at(0));
    CPPUNIT_ASSERT_EQUAL(std::string("eth0"), call->args.at(1));
    client_->removePeer("tcp://[::1]:1", "");
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
    auto got = client_->getPeers();
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

    client_->retryPeers();
    CPPUNIT_ASSERT(fake_->lastCall("retryPeers"));
    fake_->failWith(Errc::AlreadyExists, "peers: tls://a:1: peer is already configured");
    try {
      client_->addPeer("tls://a:1");
      CPPUNIT_FAIL("duplicate peer accepted");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::AlreadyExists);
      CPPUNIT_ASSERT_EQUAL(std::string("peers: tls://a:1: peer is already configured"), std::string(e.what()));
    }
  }

  void multicastAndAdminCallsRoundTrip() {
    client_->enableMulticast();
    client_->disableMulticast();
    MulticastInterfaceInfo m{"eth0", "fe80::1", true, false, 9001, 7, true};
    fake_->multicast = {m};
    auto got = client_->multicastInterfaces();
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), got.size());
    CPPUNIT_ASSERT_EQUAL(m.name, got[0].name);
    CPPUNIT_ASSERT_EQUAL(m.address, got[0].address);
    CPPUNIT_ASSERT(got[0].beacon && !got[0].listen && got[0].hasPassword);
    CPPUNIT_ASSERT_EQUAL(int(m.port), int(got[0].port));
    CPPUNIT_ASSERT_EQUAL(int(m.priority), int(got[0].priority));
    client_->enableAdmin("unix:///tmp/ratatoskr-test.sock");
    CPPUNIT_ASSERT_EQUAL(std::string("unix:///tmp/ratatoskr-test.sock"), fake_->lastCall("enableAdmin")->args.at(0));
    client_->disableAdmin();
    std::vector<std::string> names;
    for (const auto& c : fake_->calls()) names.push_back(c.name);
    std::vector<std::string> expected{"enableMulticast", "disableMulticast", "multicastInterfaces", "enableAdmin", "disableAdmin"};
    CPPUNIT_ASSERT(names == expected);
  }

  void adminHandlerIsCalledAndReleased() {
    auto alive = std::make_shared<int>(0);
    std::weak_ptr<int> watch = alive;
    client_->addAdminHandler("getStatus", "Show the plugin's status", {"verbose", "format"},
                             [alive](std::string_view args) -> std::string {
                               auto v = json::Value::parse(args);
                               if (v.get("fail").isBool()) throw Error(Errc::NotFound, "getStatus: no such thing");
                               return "{\"echo\":" + v.dump() + "}";
                             });
    alive.reset();
    CPPUNIT_ASSERT_MESSAGE("the node must hold the handler", !watch.expired());
    auto call = fake_->lastCall("addAdminHandler");
    std::vector<std::string> expected{"getStatus", "Show the plugin's status", "verbose", "format"};
    CPPUNIT_ASSERT(call->args == expected);
    auto& handler = fake_->adminHandlers().at("getStatus");
    CPPUNIT_ASSERT_EQUAL(std::string("{\"echo\":{\"a\":1}}"), handler("{\"a\":1}"));
    try {
      handler("{\"fail\":true}");
      CPPUNIT_FAIL("handler error lost");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::NotFound);
      CPPUNIT_ASSERT_EQUAL(std::string("getStatus: no such thing"), std::string(e.what()));
    }
    fake_->close();  // drops the handlers
    CPPUNIT_ASSERT_MESSAGE("release() must run when the node drops the handler", watch.expired());
  }

  void diagnosticsRoundTrip() {
    fake_->self = SelfInfo{keyOf(1), 77};
    fake_->tree = {TreeEntry{keyOf(1), keyOf(2), 5}, TreeEntry{keyOf(2), keyOf(2), 6}};
    fake_->paths = {PathEntry{keyOf(4), {1, 2, 18446744073709551615ull}, 9}};
    fake_->sessions = {SessionEntry{keyOf(5), 10, 20, 30s}};
    fake_->nodeInfoReply = NodeInfoReply{"{\"name\":\"peer\",\"n\":[1,2]}", 1234567ns};
    fake_->remoteSelf = "{\"key\":\"ab\",\"coords\":[1,2]}";
    fake_->remotePeers = {keyOf(6), keyOf(7)};
    fake_->remoteTree = {keyOf(8)};

    auto self = client_->getSelf();
    CPPUNIT_ASSERT(self.key == keyOf(1));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(77), self.routingEntries);
    auto tree = client_->getTree();
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), tree.size());
    CPPUNIT_ASSERT(tree[0].key == keyOf(1) && tree[0].parent == keyOf(2) && tree[0].sequence == 5);
    CPPUNIT_ASSERT(tree[1].sequence == 6);
    auto paths = client_->getPaths();
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), paths.size());
    CPPUNIT_ASSERT(paths[0].path == fake_->paths[0].path);
    CPPUNIT_ASSERT(paths[0].key == keyOf(4) && paths[0].sequence == 9);
    auto sessions = client_->getSessions();
    CPPUNIT_ASSERT(sessions.size() == 1 && sessions[0].key == keyOf(5) && sessions[0].rxBytes == 10 &&
                   sessions[0].txBytes == 20 && sessions[0].uptime == 30s);
    client_->sendLookup(keyOf(9));
    CPPUNIT_ASSERT_EQUAL(keyOf(9).hex(), fake_->lastCall("sendLookup")->args.at(0));
    auto info = client_->getNodeInfo(keyOf(10), 6000ms);
    CPPUNIT_ASSERT_EQUAL(fake_->nodeInfoReply.json, info.json);
    CPPUNIT_ASSERT(info.rtt == 1234567ns);
    CPPUNIT_ASSERT_EQUAL(std::string("6000"), fake_->lastCall("getNodeInfo")->args.at(1));
    CPPUNIT_ASSERT_EQUAL(fake_->remoteSelf, client_->remoteGetSelf(keyOf(11), 100ms));
    CPPUNIT_ASSERT_EQUAL(keyOf(11).hex(), fake_->lastCall("remoteGetSelf")->args.at(0));
    CPPUNIT_ASSERT(client_->remoteGetPeers(keyOf(12), 200ms) == fake_->remotePeers);
    CPPUNIT_ASSERT_EQUAL(std::string("200"), fake_->lastCall("remoteGetPeers")->args.at(1));
    CPPUNIT_ASSERT(client_->remoteGetTree(keyOf(13), 300ms) == fake_->remoteTree);
    fake_->failWith(Errc::Timeout, "proto: timed out waiting for response");
    try {
      client_->getNodeInfo(keyOf(10), 1ms);
      CPPUNIT_FAIL("timeout lost");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::Timeout);
    }
  }

  void closeIsRefusedUnlessAllowed() {
    NodeServiceAdapter guarded(fake_, Log());
    sdk::NodeClient client(*guarded.table());
    try {
      client.close();
      CPPUNIT_FAIL("a plugin closed the node");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::NotSupported);
    }
    CPPUNIT_ASSERT(!fake_->closed());
    client_->close();  // the fixture's adapter allows it
    CPPUNIT_ASSERT(fake_->closed());
  }

  void dialPassesDeadlineAndStream() {
    fake_->localEndpoint = endpoint("[200::1]:40000");
    fake_->remoteEndpoint = endpoint("[200:abcd::1]:80");
    auto deadline = Clock::now() + 5s;
    auto conn = client_->dial("tcp", "[200:abcd::1]:80", DialOptions{deadline, {}});
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
    client_->dial("udp", "[200::2]:53");
    CPPUNIT_ASSERT(!fake_->lastDialOptions().deadline);
  }

  void dialCancelledFromAnotherThread() {
    fake_->dialBlocks = true;
    CancelSource source;
    auto result = std::async(std::launch::async, [&] {
      try {
        client_->dial("tcp", "[200::9]:1", DialOptions{std::nullopt, source.token()});
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
    auto conn = client_->dial("tcp", "[200::3]:80");
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

  void connDeadlinesAndHalfClose() {
    auto conn = client_->dial("tcp", "[200::3]:80");
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
    auto listener = client_->listen("tcp", ":8080");
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
    auto pc = client_->listenPacket("udp", ":9000");
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

  void tableLayoutIsComplete() {
    const rtk_node_service* t = adapter_->table();
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(sizeof(rtk_node_service)), t->struct_size);
    CPPUNIT_ASSERT(t->struct_size >= RTK_NODE_SERVICE_SIZE_1_0);
    // Every function pointer is set: walk the table as an array of pointers
    // after the size field and the node pointer.
    const auto* first = reinterpret_cast<const char*>(&t->dial);
    const auto* end = reinterpret_cast<const char*>(t) + t->struct_size;
    for (const char* p = first; p < end; p += sizeof(void*)) {
      void* fn = nullptr;
      std::memcpy(&fn, p, sizeof fn);
      CPPUNIT_ASSERT_MESSAGE("null function at offset " + std::to_string(p - reinterpret_cast<const char*>(t)), fn != nullptr);
    }
    // A table older than the client's layout is refused by the client.
    rtk_node_service old = *t;
    old.struct_size = static_cast<std::uint32_t>(offsetof(rtk_node_service, close));
    try {
      sdk::NodeClient client(old);
      CPPUNIT_FAIL("a truncated table was accepted");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::Abi);
    }
  }

 private:
  std::shared_ptr<test::FakeNode> fake_;
  std::unique_ptr<NodeServiceAdapter> adapter_;
  std::unique_ptr<sdk::NodeClient> client_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(NodeServiceAdapterTest);

}  // namespace rtk::host
