// rtk::Node (libratatoskr.so, public API only): two nodes peered on
// loopback exchange TCP and UDP through their userspace stacks; close() from
// many threads, cancellation, snapshots, options refused, admin socket.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "common/ProcessCounters.hpp"
#include "ratatoskr/node.hpp"

using namespace std::chrono_literals;

namespace {

constexpr auto kWait = 20s;

std::shared_ptr<const rtk::Logger> testLogger() {
  // Warnings and errors only, on stderr; RTK_TEST_DEBUG=1 logs everything.
  static auto logger = std::make_shared<rtk::Logger>(rtk::Logger::stderrSink(),
                                                     std::getenv("RTK_TEST_DEBUG") ? rtk::LogLevel::Trace
                                                                                   : rtk::LogLevel::Warn);
  return logger;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

rtk::Errc errcOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const rtk::Error& e) {
    return e.code();
  }
  return rtk::Errc::Unknown;
}

std::shared_ptr<rtk::Node> makeNode(rtk::NodeConfig config = {}, rtk::CancelToken cancel = {}) {
  rtk::NodeOptions options;
  options.config = std::move(config);
  options.logger = testLogger();
  options.cancel = std::move(cancel);
  return rtk::Node::create(std::move(options));
}

bool peerUp(const rtk::Node& node, const rtk::PublicKey& key) {
  auto peers = node.getPeers();
  return std::any_of(peers.begin(), peers.end(), [&](const rtk::PeerInfo& p) { return p.up && p.key == key; });
}

// A listens on an ephemeral loopback port; B peers with it.
struct PeeredNodes {
  PeeredNodes() {
    rtk::NodeConfig configA;
    configA.listen = {"tcp://127.0.0.1:0"};
    a = makeNode(configA);
    auto bound = a->listeners();
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), bound.size());
    CPPUNIT_ASSERT(bound.front().rfind("tcp://127.0.0.1:", 0) == 0);
    CPPUNIT_ASSERT(bound.front() != "tcp://127.0.0.1:0");
    rtk::NodeConfig configB;
    configB.peers = {bound.front()};
    b = makeNode(configB);
    CPPUNIT_ASSERT_MESSAGE("the nodes never peered",
                           eventually([&] { return peerUp(*a, b->publicKey()) && peerUp(*b, a->publicKey()); }, kWait));
  }
  std::string endpointOfA(std::uint16_t port) const { return rtk::formatEndpoint({a->address(), port}); }
  std::shared_ptr<rtk::Node> a, b;
};

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  std::uint32_t x = 12345;
  for (auto& c : s) {
    x = x * 1103515245 + 12345;
    c = static_cast<char>(x >> 16);
  }
  return s;
}

}  // namespace

class NodeTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NodeTest);
  CPPUNIT_TEST(tcpEchoThroughDialAndListen);
  CPPUNIT_TEST(udpBothWaysThroughListenPacket);
  CPPUNIT_TEST(closeFromManyThreadsAtOnce);
  CPPUNIT_TEST(closeEndsBlockedCallsAndObjectsOutliveTheNode);
  CPPUNIT_TEST(cancelTokenClosesTheNode);
  CPPUNIT_TEST(alreadyCancelledTokenClosesAtOnce);
  CPPUNIT_TEST(snapshotHasTheSeedsFields);
  CPPUNIT_TEST(noConfigMeansRandomKeys);
  CPPUNIT_TEST(configuredKeyIsUsed);
  CPPUNIT_TEST(badConfigIsRefusedWithTheField);
  CPPUNIT_TEST(unavailableOptionsAreRefused);
  CPPUNIT_TEST(multicastIsNotSupportedYet);
  CPPUNIT_TEST(adminSocketAnswersYggdrasilctl);
  CPPUNIT_TEST(addAndRemovePeerAtRuntime);
  CPPUNIT_TEST(closeLeavesNoThread);
  CPPUNIT_TEST(closeWithACoreStopTimeout);
  CPPUNIT_TEST(everyMethodFromManyThreadsWhileClosing);
  CPPUNIT_TEST_SUITE_END();

 public:
  void tcpEchoThroughDialAndListen() {
    PeeredNodes nodes;
    auto listener = nodes.a->listen("tcp", ":7000");
    auto server = std::async(std::launch::async, [&] {
      auto conn = listener->accept(rtk::Clock::now() + kWait);
      char buf[16384];
      for (;;) {
        std::size_t n = conn->read(buf, sizeof buf);
        if (n == 0) break;
        conn->write(buf, n);
      }
      conn->close();
    });
    rtk::DialOptions options;
    options.deadline = rtk::Clock::now() + kWait;
    auto conn = nodes.b->dial("tcp", nodes.endpointOfA(7000), options);
    CPPUNIT_ASSERT(conn->remoteEndpoint().address == nodes.a->address());
    CPPUNIT_ASSERT(conn->localEndpoint().address == nodes.b->address());
    const std::string sent = pattern(256 * 1024);
    auto writer = std::async(std::launch::async, [&] {
      std::size_t off = 0;
      while (off < sent.size()) off += conn->write(sent.data() + off, sent.size() - off);
      conn->closeWrite();
    });
    std::string received;
    char buf[16384];
    conn->setReadDeadline(rtk::Clock::now() + kWait);
    for (;;) {
      std::size_t n = conn->read(buf, sizeof buf);
      if (n == 0) break;
      received.append(buf, n);
    }
    writer.get();
    server.get();
    CPPUNIT_ASSERT_EQUAL(sent.size(), received.size());
    CPPUNIT_ASSERT(sent == received);
  }

  void udpBothWaysThroughListenPacket() {
    PeeredNodes nodes;
    auto atA = nodes.a->listenPacket("udp", ":9000");
    auto atB = nodes.b->listenPacket("udp", ":0");
    CPPUNIT_ASSERT(atB->localEndpoint().port != 0);
    const rtk::Endpoint toA{nodes.a->address(), 9000};
    // The first datagrams may be lost while the path is looked up; resend
    // until one arrives.
    std::string got;
    rtk::Endpoint from;
    for (int i = 0; i < 40 && got.empty(); ++i) {
      atB->writeTo("ping", 4, toA);
      atA->setReadDeadline(rtk::Clock::now() + 500ms);
      char buf[2048];
      try {
        got.assign(buf, atA->readFrom(buf, sizeof buf, from));
      } catch (const rtk::Error& e) {
        CPPUNIT_ASSERT_MESSAGE(e.what(), e.code() == rtk::Errc::Timeout);
      }
    }
    CPPUNIT_ASSERT_EQUAL(std::string("ping"), got);
    CPPUNIT_ASSERT(from.address == nodes.b->address());
    CPPUNIT_ASSERT_EQUAL(atB->localEndpoint().port, from.port);
    // The reply goes back at once: B's address is known to A now.
    const std::string big = pattern(1200);
    atA->writeTo(big.data(), big.size(), from);
    std::vector<char> buf(4096);
    atB->setReadDeadline(rtk::Clock::now() + kWait);
    rtk::Endpoint replyFrom;
    std::size_t n = atB->readFrom(buf.data(), buf.size(), replyFrom);
    CPPUNIT_ASSERT_EQUAL(big.size(), n);
    CPPUNIT_ASSERT(std::string(buf.data(), n) == big);
    CPPUNIT_ASSERT(replyFrom == toA);
  }

  void closeFromManyThreadsAtOnce() {
    PeeredNodes nodes;
    std::atomic<int> go{0}, failures{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
      threads.emplace_back([&, i] {
        ++go;
        while (go.load() < 8) std::this_thread::yield();
        try {
          // Half close, half use the node while it closes.
          if (i % 2) {
            nodes.a->close();
          } else {
            nodes.a->getPeers();
            nodes.a->snapshot().toJson();
            nodes.a->close();
          }
        } catch (const std::exception&) {
          ++failures;
        }
      });
    for (auto& t : threads) t.join();
    CPPUNIT_ASSERT_EQUAL(0, failures.load());
    CPPUNIT_ASSERT(nodes.a->closed());
    nodes.a->close();  // idempotent
    CPPUNIT_ASSERT(nodes.a->getPeers().empty());
    CPPUNIT_ASSERT(nodes.a->listeners().empty());
    CPPUNIT_ASSERT(errcOf([&] { nodes.a->listen("tcp", ":80"); }) == rtk::Errc::Closed);
    CPPUNIT_ASSERT(errcOf([&] { nodes.a->dial("tcp", nodes.endpointOfA(80)); }) == rtk::Errc::Closed);
    CPPUNIT_ASSERT(errcOf([&] { nodes.a->addPeer("tcp://127.0.0.1:1"); }) == rtk::Errc::Closed);
    // B sees A go.
    CPPUNIT_ASSERT(eventually([&] { return !peerUp(*nodes.b, nodes.a->publicKey()); }, kWait));
  }

  void closeEndsBlockedCallsAndObjectsOutliveTheNode() {
    auto node = makeNode();
    auto listener = node->listen("tcp", ":8080");
    auto packets = node->listenPacket("udp", ":8081");
    auto accepting = std::async(std::launch::async, [&] { return errcOf([&] { listener->accept(); }); });
    auto reading = std::async(std::launch::async, [&] {
      char buf[64];
      rtk::Endpoint from;
      return errcOf([&] { packets->readFrom(buf, sizeof buf, from); });
    });
    std::this_thread::sleep_for(100ms);
    node->close();
    CPPUNIT_ASSERT(accepting.wait_for(kWait) == std::future_status::ready);
    CPPUNIT_ASSERT(accepting.get() == rtk::Errc::Closed);
    CPPUNIT_ASSERT(reading.wait_for(kWait) == std::future_status::ready);
    CPPUNIT_ASSERT(reading.get() == rtk::Errc::Closed);
    node.reset();  // the node is gone; its objects are still safe to use
    CPPUNIT_ASSERT(errcOf([&] { listener->accept(rtk::Clock::now()); }) == rtk::Errc::Closed);
    listener->close();
    packets->close();
  }

  void cancelTokenClosesTheNode() {
    rtk::CancelSource source;
    auto node = makeNode({}, source.token());
    CPPUNIT_ASSERT(!node->closed());
    source.cancel();
    CPPUNIT_ASSERT(eventually([&] { return node->closed(); }, kWait));
    CPPUNIT_ASSERT(errcOf([&] { node->listen("tcp", ":80"); }) == rtk::Errc::Closed);
  }

  void alreadyCancelledTokenClosesAtOnce() {
    rtk::CancelSource source;
    source.cancel();
    auto node = makeNode({}, source.token());
    CPPUNIT_ASSERT(eventually([&] { return node->closed(); }, kWait));
  }

  void snapshotHasTheSeedsFields() {
    PeeredNodes nodes;
    auto text = nodes.b->snapshot().toJson();
    auto root = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    CPPUNIT_ASSERT_EQUAL(rtk::formatAddress(nodes.b->address()), root->getValue<std::string>("address"));
    CPPUNIT_ASSERT_EQUAL(rtk::formatAddress(nodes.b->subnet()) + "/64", root->getValue<std::string>("subnet"));
    CPPUNIT_ASSERT_EQUAL(nodes.b->publicKey().hex(), root->getValue<std::string>("public_key"));
    CPPUNIT_ASSERT_EQUAL(nodes.b->mtu(), root->getValue<std::uint64_t>("mtu"));
    auto peers = root->getArray("peers");
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), peers->size());
    auto peer = peers->getObject(0);
    CPPUNIT_ASSERT_EQUAL(nodes.a->listeners().front(), peer->getValue<std::string>("uri"));
    CPPUNIT_ASSERT(peer->getValue<bool>("up"));
    CPPUNIT_ASSERT(!peer->getValue<bool>("inbound"));
    CPPUNIT_ASSERT_EQUAL(nodes.a->publicKey().hex(), peer->getValue<std::string>("key"));
    for (const char* field : {"latency_ns", "cost", "rx_bytes", "tx_bytes", "uptime_ns"})
      CPPUNIT_ASSERT_MESSAGE(field, peer->has(field));
    CPPUNIT_ASSERT(!peer->has("last_error"));  // omitempty
    CPPUNIT_ASSERT(!root->has("active_peers"));  // omitempty, no peer manager
    CPPUNIT_ASSERT(!root->getObject("socks")->getValue<bool>("enabled"));
    // A's side: the inbound link.
    auto snapA = nodes.a->snapshot();
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), snapA.peers.size());
    CPPUNIT_ASSERT(snapA.peers.front().inbound);
    CPPUNIT_ASSERT_EQUAL(nodes.b->publicKey().hex(), snapA.peers.front().key);
  }

  void noConfigMeansRandomKeys() {
    auto one = makeNode(), two = makeNode();
    CPPUNIT_ASSERT(one->publicKey() != two->publicKey());
    CPPUNIT_ASSERT(one->address() != two->address());
    CPPUNIT_ASSERT(one->address().isYggdrasil());
    CPPUNIT_ASSERT_EQUAL(0x02, int(one->address().bytes[0]));
    CPPUNIT_ASSERT_EQUAL(0x03, int(one->subnet().bytes[0]));
    CPPUNIT_ASSERT(one->mtu() >= 1280);
    CPPUNIT_ASSERT(one->adminAddress().empty());
    CPPUNIT_ASSERT(one->getPeers().empty());
    auto self = one->getSelf();
    CPPUNIT_ASSERT(self.key == one->publicKey());
  }

  void configuredKeyIsUsed() {
    // yggdrasil's key layout: the 32-byte seed, then the 32-byte public key.
    // The same conf key gives the same identity on every start.
    rtk::NodeConfig withKey;
    withKey.privateKey = knownPrivateKey;
    auto a = makeNode(withKey);
    auto key = a->publicKey();
    auto addr = a->address();
    a->close();
    auto b = makeNode(withKey);
    CPPUNIT_ASSERT(b->publicKey() == key);
    CPPUNIT_ASSERT(b->address() == addr);
    CPPUNIT_ASSERT_EQUAL(std::string(knownPrivateKey).substr(64), key.hex());
  }

  void badConfigIsRefusedWithTheField() {
    rtk::NodeConfig badKey;
    badKey.privateKey = "abcd";
    try {
      makeNode(badKey);
      CPPUNIT_FAIL("a short PrivateKey was accepted");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Config);
      CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("PrivateKey") != std::string::npos);
    }
    rtk::NodeConfig badPeer;
    badPeer.peers = {"bogus://127.0.0.1:1"};
    try {
      makeNode(badPeer);
      CPPUNIT_FAIL("a bogus peer URI was accepted");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("bogus://127.0.0.1:1") != std::string::npos);
    }
    rtk::NodeConfig badInfo;
    badInfo.nodeInfo = "[1,2]";
    CPPUNIT_ASSERT(errcOf([&] { makeNode(badInfo); }) == rtk::Errc::Config);
  }

  void unavailableOptionsAreRefused() {
    rtk::NodeOptions withManager;
    withManager.peerManager = rtk::PeerManagerOptions{};
    CPPUNIT_ASSERT(errcOf([&] { rtk::Node::create(withManager); }) == rtk::Errc::NotSupported);
    rtk::NodeOptions conflict;
    conflict.peerManager = rtk::PeerManagerOptions{};
    conflict.config = rtk::NodeConfig{};
    conflict.config->peers = {"tcp://127.0.0.1:1"};
    CPPUNIT_ASSERT(errcOf([&] { rtk::Node::create(conflict); }) == rtk::Errc::Config);
    rtk::NodeOptions withSigils;
    withSigils.sigils = {"info"};
    CPPUNIT_ASSERT(errcOf([&] { rtk::Node::create(withSigils); }) == rtk::Errc::NotSupported);
  }

  void multicastIsNotSupportedYet() {
    auto node = makeNode();
    try {
      node->enableMulticast();
      CPPUNIT_FAIL("enableMulticast succeeded");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::NotSupported);
      CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("multicast discovery is not implemented yet") !=
                                           std::string::npos);
    }
    node->disableMulticast();  // a no-op
    CPPUNIT_ASSERT(node->multicastInterfaces().empty());
  }

  void adminSocketAnswersYggdrasilctl() {
    rtk::NodeConfig config;
    config.adminListen = "tcp://127.0.0.1:0";
    auto node = makeNode(config);
    auto endpoint = node->adminAddress();
    CPPUNIT_ASSERT_MESSAGE(endpoint, endpoint.rfind("tcp://127.0.0.1:", 0) == 0 && endpoint != "tcp://127.0.0.1:0");
    node->addAdminHandler("rtkTestEcho", "echoes its arguments", {"word"},
                          [](std::string_view args) { return std::string(args); });
    std::string out = run(std::string(RTK_YGGDRASILCTL_BIN) + " -json -endpoint " + endpoint + " getSelf");
    auto self = Poco::JSON::Parser().parse(out).extract<Poco::JSON::Object::Ptr>();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, node->publicKey().hex(), self->getValue<std::string>("key"));
    CPPUNIT_ASSERT_EQUAL(rtk::formatAddress(node->address()), self->getValue<std::string>("address"));
    out = run(std::string(RTK_YGGDRASILCTL_BIN) + " -json -endpoint " + endpoint + " rtkTestEcho word=hi");
    CPPUNIT_ASSERT_MESSAGE(out, out.find("\"hi\"") != std::string::npos);
    CPPUNIT_ASSERT(errcOf([&] { node->enableAdmin("tcp://127.0.0.1:0"); }) == rtk::Errc::AlreadyExists);
    node->disableAdmin();
    CPPUNIT_ASSERT(node->adminAddress().empty());
    node->enableAdmin("tcp://127.0.0.1:0");
    CPPUNIT_ASSERT(!node->adminAddress().empty());
    out = run(std::string(RTK_YGGDRASILCTL_BIN) + " -json -endpoint " + node->adminAddress() + " rtkTestEcho word=again");
    CPPUNIT_ASSERT_MESSAGE(out, out.find("\"again\"") != std::string::npos);
  }

  void addAndRemovePeerAtRuntime() {
    rtk::NodeConfig configA;
    configA.listen = {"tcp://127.0.0.1:0"};
    auto a = makeNode(configA);
    auto b = makeNode();
    auto uri = a->listeners().front();
    b->addPeer(uri);
    CPPUNIT_ASSERT(errcOf([&] { b->addPeer(uri); }) == rtk::Errc::AlreadyExists);
    CPPUNIT_ASSERT(eventually([&] { return peerUp(*b, a->publicKey()); }, kWait));
    b->removePeer(uri);
    CPPUNIT_ASSERT(eventually([&] { return !peerUp(*a, b->publicKey()); }, kWait));
    CPPUNIT_ASSERT(b->getPeers().empty());
    CPPUNIT_ASSERT(errcOf([&] { b->removePeer(uri); }) == rtk::Errc::NotFound);
  }

  void closeLeavesNoThread() {
    std::size_t before = rtk::test::threadsNamed("rtk-");
    {
      PeeredNodes nodes;
      CPPUNIT_ASSERT(rtk::test::threadsNamed("rtk-") > before);
      nodes.a->close();
      nodes.b->close();
    }
    CPPUNIT_ASSERT(eventually([&] { return rtk::test::threadsNamed("rtk-") == before; }, 5s));
  }

  void closeWithACoreStopTimeout() {
    rtk::NodeOptions options;
    options.logger = testLogger();
    options.coreStopTimeout = 10s;
    options.config = rtk::NodeConfig{};
    options.config->listen = {"tcp://127.0.0.1:0"};
    auto node = rtk::Node::create(std::move(options));
    auto uri = node->listeners().front();
    auto start = std::chrono::steady_clock::now();
    node->close();  // no error: the core stopped within the limit
    CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start < 10s);
    node.reset();
    // The listener's port is free again.
    rtk::NodeConfig again;
    again.listen = {uri};
    auto next = makeNode(again);
    CPPUNIT_ASSERT_EQUAL(uri, next->listeners().front());
  }

  // The seed's thread-safety table: every method from several threads at
  // once, with close() arriving in the middle. Nothing crashes or hangs, and
  // the only errors are the documented ones.
  void everyMethodFromManyThreadsWhileClosing() {
    PeeredNodes nodes;
    auto& a = *nodes.a;
    auto& b = *nodes.b;
    auto listener = a.listen("tcp", ":7100");
    std::atomic<bool> stop{false};
    std::atomic<int> unexpected{0}, dials{0};
    std::mutex whatMutex;
    std::string what;
    auto guard = [&](const std::function<void()>& body, std::initializer_list<rtk::Errc> allowed) {
      while (!stop.load()) {
        try {
          body();
        } catch (const rtk::Error& e) {
          if (std::find(allowed.begin(), allowed.end(), e.code()) == allowed.end()) {
            ++unexpected;
            std::lock_guard lock(whatMutex);
            what += std::string(e.what()) + "\n";
          }
        } catch (const std::exception& e) {
          ++unexpected;
          std::lock_guard lock(whatMutex);
          what += std::string("non-rtk: ") + e.what() + "\n";
        }
      }
    };
    using rtk::Errc;
    std::vector<std::thread> threads;
    threads.emplace_back([&] {
      guard([&] {
        auto conn = listener->accept(rtk::Clock::now() + 200ms);
        char c;
        while (conn->read(&c, 1) == 1) conn->write(&c, 1);
      }, {Errc::Timeout, Errc::Closed, Errc::Reset});
    });
    threads.emplace_back([&] {
      guard([&] {
        rtk::DialOptions options;
        options.deadline = rtk::Clock::now() + 2s;
        auto conn = b.dial("tcp", nodes.endpointOfA(7100), options);
        char c = 'x';
        conn->write(&c, 1);
        conn->setReadDeadline(rtk::Clock::now() + 2s);
        if (conn->read(&c, 1) == 1) ++dials;
        conn->close();
      }, {Errc::Timeout, Errc::Closed, Errc::Reset, Errc::Refused});
    });
    threads.emplace_back([&] {
      guard([&] {
        for (auto* n : {&a, &b}) {
          n->getPeers();
          n->getTree();
          n->getPaths();
          n->getSessions();
          n->getSelf();
          n->listeners();
          n->multicastInterfaces();
          Poco::JSON::Parser().parse(n->snapshot().toJson());
        }
      }, {});
    });
    threads.emplace_back([&] {
      guard([&] {
        a.enableAdmin("tcp://127.0.0.1:0");
        a.adminAddress();
        a.disableAdmin();
      }, {Errc::Closed, Errc::AlreadyExists});
    });
    threads.emplace_back([&] {
      guard([&] {
        a.addPeer("tcp://127.0.0.1:1");
        a.retryPeers();
        a.removePeer("tcp://127.0.0.1:1");
      }, {Errc::Closed, Errc::AlreadyExists, Errc::NotFound});
    });
    threads.emplace_back([&] {
      guard([&] {
        auto pc = a.listenPacket("udp", ":0");
        pc->writeTo("x", 1, rtk::Endpoint{b.address(), 9});
        pc->close();
        a.sendLookup(b.publicKey());
      }, {Errc::Closed});
    });
    CPPUNIT_ASSERT(eventually([&] { return dials.load() >= 3; }, kWait));
    std::vector<std::thread> closers;
    for (int i = 0; i < 3; ++i) closers.emplace_back([&] { a.close(); });
    for (auto& t : closers) t.join();
    CPPUNIT_ASSERT(a.closed());
    std::this_thread::sleep_for(300ms);  // the workers keep calling a closed node
    stop = true;
    for (auto& t : threads) t.join();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what, 0, unexpected.load());
    CPPUNIT_ASSERT(a.adminAddress().empty());
  }

 private:
  static constexpr const char* knownPrivateKey =
      "1111111111111111111111111111111111111111111111111111111111111111"
      "d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737";

  static std::string run(const std::string& command) {
    std::string out;
    if (FILE* p = ::popen((command + " 2>&1").c_str(), "r")) {
      char buf[4096];
      while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
      ::pclose(p);
    }
    return out;
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NodeTest);
