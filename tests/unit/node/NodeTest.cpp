// rtk::Node end to end inside one process: two nodes peered over loopback
// TCP (real links, handshake, router, sessions, IPv6, lwIP), then TCP and
// UDP through the facade, NodeInfo, the lifecycle contract (concurrent
// close, cancellation, Closed afterwards) and the snapshot.
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "ratatoskr/error.hpp"
#include "ratatoskr/node.hpp"

using namespace std::chrono_literals;

namespace {

std::uint16_t freeLoopbackPort() {
  Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
  auto port = probe.address().port();
  probe.close();
  return port;
}

template <typename F>
bool eventually(F condition, std::chrono::milliseconds limit = 20s) {
  for (auto end = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < end;) {
    if (condition()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return condition();
}

bool peerUp(const rtk::Node& node, const rtk::PublicKey& key) {
  for (const auto& p : node.getPeers())
    if (p.up && p.key == key) return true;
  return false;
}

rtk::Deadline in(std::chrono::milliseconds d) { return std::chrono::steady_clock::now() + d; }

void writeAll(rtk::Conn& c, const std::string& s) {
  for (std::size_t done = 0; done < s.size();) done += c.write(s.data() + done, s.size() - done);
}

std::string readExactly(rtk::Conn& c, std::size_t n) {
  std::string out(n, '\0');
  for (std::size_t done = 0; done < n;) {
    auto got = c.read(out.data() + done, n - done);
    if (got == 0) throw std::runtime_error("EOF after " + std::to_string(done) + " bytes");
    done += got;
  }
  return out;
}

}  // namespace

class NodeTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NodeTest);
  CPPUNIT_TEST(twoNodesCarryTcpUdpAndNodeInfo);
  CPPUNIT_TEST(closeIsIdempotentAndConcurrent);
  CPPUNIT_TEST(cancellationClosesTheNode);
  CPPUNIT_TEST(badConfigIsRefusedWithTheField);
  CPPUNIT_TEST(snapshotHasTheSeedFields);
  CPPUNIT_TEST_SUITE_END();

 public:
  void twoNodesCarryTcpUdpAndNodeInfo() {
    auto port = freeLoopbackPort();
    rtk::NodeConfig ca;
    ca.listen = {"tcp://127.0.0.1:" + std::to_string(port)};
    ca.nodeInfo = R"({"name":"a"})";
    auto a = rtk::Node::create({.config = ca});
    rtk::NodeConfig cb;
    cb.peers = {"tcp://127.0.0.1:" + std::to_string(port)};
    auto b = rtk::Node::create({.config = cb});

    CPPUNIT_ASSERT(eventually([&] { return peerUp(*a, b->publicKey()) && peerUp(*b, a->publicKey()); }));

    // TCP: b dials a's listener by a's address.
    auto listener = a->listen("tcp", ":7000");
    std::thread server([&] {
      auto conn = listener->accept(in(20s));
      auto request = readExactly(*conn, 5);
      writeAll(*conn, "echo:" + request);
      conn->close();
    });
    auto conn = b->dial("tcp", "[" + rtk::formatAddress(a->address()) + "]:7000", {.deadline = in(20s)});
    writeAll(*conn, "hello");
    CPPUNIT_ASSERT_EQUAL(std::string("echo:hello"), readExactly(*conn, 10));
    server.join();
    CPPUNIT_ASSERT(conn->remoteEndpoint().address == a->address());

    // UDP both ways.
    auto pa = a->listenPacket("udp", ":7001");
    auto pb = b->listenPacket("udp", ":7002");
    std::string payload(1200, 'u');
    pb->writeTo(payload.data(), payload.size(), {a->address(), 7001});
    pa->setReadDeadline(in(10s));
    std::string got(2000, '\0');
    rtk::Endpoint from;
    got.resize(pa->readFrom(got.data(), got.size(), from));
    CPPUNIT_ASSERT(got == payload);
    CPPUNIT_ASSERT(from.address == b->address());
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(7002), from.port);

    // NodeInfo and a debug request across the session layer.
    auto info = b->getNodeInfo(a->publicKey(), 5000ms);
    auto object = Poco::JSON::Parser().parse(info.json).extract<Poco::JSON::Object::Ptr>();
    CPPUNIT_ASSERT_EQUAL(std::string("a"), object->getValue<std::string>("name"));
    CPPUNIT_ASSERT(info.rtt.count() > 0);
    auto peersOfA = b->remoteGetPeers(a->publicKey(), 5000ms);
    CPPUNIT_ASSERT(std::find(peersOfA.begin(), peersOfA.end(), b->publicKey()) != peersOfA.end());
    CPPUNIT_ASSERT(!b->getSessions().empty());

    a->close();
    b->close();
  }

  void closeIsIdempotentAndConcurrent() {
    auto node = rtk::Node::create();
    auto listener = node->listen("tcp", ":80");
    std::atomic<int> returned{0};
    std::vector<std::thread> closers;
    for (int i = 0; i < 8; ++i)
      closers.emplace_back([&] {
        node->close();
        ++returned;
      });
    for (auto& t : closers) t.join();
    CPPUNIT_ASSERT_EQUAL(8, returned.load());
    CPPUNIT_ASSERT(node->closed());
    node->close();
    try {
      node->dial("tcp", "[200::1]:80");
      CPPUNIT_FAIL("dial after close");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Closed);
    }
    try {
      listener->accept(in(1s));
      CPPUNIT_FAIL("accept after the node closed");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Closed);
    }
    CPPUNIT_ASSERT(node->getPeers().empty());
  }

  void cancellationClosesTheNode() {
    rtk::CancelSource source;
    auto node = rtk::Node::create({.cancel = source.token()});
    CPPUNIT_ASSERT(!node->closed());
    source.cancel();
    CPPUNIT_ASSERT(eventually([&] { return node->closed(); }, 5s));
  }

  void badConfigIsRefusedWithTheField() {
    rtk::NodeConfig bad;
    bad.privateKey = "not hex";
    assertConfigError(bad, "PrivateKey");
    rtk::NodeConfig badPeer;
    badPeer.peers = {"carrier-pigeon://x"};
    assertThrows(badPeer);
    rtk::NodeConfig badAllowed;
    badAllowed.allowedPublicKeys = {"1234"};
    assertConfigError(badAllowed, "AllowedPublicKeys");
    try {
      rtk::Node::create({.sigils = {"motd"}});
      CPPUNIT_FAIL("sigils accepted");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::NotSupported);
    }
  }

  void snapshotHasTheSeedFields() {
    rtk::NodeConfig c;
    c.peers = {"tcp://127.0.0.1:1"};  // refused at once: a peer that is down
    auto node = rtk::Node::create({.config = c});
    auto json = node->snapshot().toJson();
    auto o = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
    CPPUNIT_ASSERT_EQUAL(rtk::formatAddress(node->address()), o->getValue<std::string>("address"));
    CPPUNIT_ASSERT_EQUAL(rtk::formatAddress(node->subnet()) + "/64", o->getValue<std::string>("subnet"));
    CPPUNIT_ASSERT_EQUAL(node->publicKey().hex(), o->getValue<std::string>("public_key"));
    CPPUNIT_ASSERT_EQUAL(node->mtu(), o->getValue<std::uint64_t>("mtu"));
    auto peers = o->getArray("peers");
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), peers->size());
    auto peer = peers->getObject(0);
    CPPUNIT_ASSERT_EQUAL(std::string("tcp://127.0.0.1:1"), peer->getValue<std::string>("uri"));
    CPPUNIT_ASSERT(!peer->getValue<bool>("up"));
    CPPUNIT_ASSERT(!o->getObject("socks")->getValue<bool>("enabled"));
  }

 private:
  static void assertThrows(const rtk::NodeConfig& config) {
    try {
      rtk::Node::create({.config = config});
      CPPUNIT_FAIL("accepted a bad config");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(std::string(e.what()).size() > 0);
    }
  }
  static void assertConfigError(const rtk::NodeConfig& config, const std::string& field) {
    try {
      rtk::Node::create({.config = config});
      CPPUNIT_FAIL("accepted a bad " + field);
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT_MESSAGE(e.what(), e.code() == rtk::Errc::Config);
      CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find(field) != std::string::npos);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NodeTest);
