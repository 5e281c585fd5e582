// Links against the real yggdrasil 0.5.12 on loopback (no root needed):
// metadata bytes, dialling it and being dialled over tcp and tls, frames
// both ways, and every kind of refusal seen from both ends.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <thread>
#include <mutex>

#include "core/link/VersionMetadata.hpp"
#include "support/RealNode.hpp"
#include "support/TestData.hpp"
#include "support/TestNode.hpp"

using namespace std::chrono_literals;
using rtk::core::Bytes;
using rtk::core::ByteView;
using rtk::core::crypto::SigningKey;
using rtk::core::link::VersionMetadata;
using rtk::test::RealNode;
using rtk::test::TestNode;
using rtk::test::waitUntil;

namespace {

constexpr auto kRealNodeWait = 15s;
constexpr std::uint8_t kTypeSigReq = 2, kTypeSigRes = 3, kTypeBloom = 5;

struct NodePeer {
  bool up = false, inbound = false;
  std::string remote;
};

// The real node's getPeers entries for `key`.
std::vector<NodePeer> nodePeers(const RealNode& node, const rtk::PublicKey& key) {
  std::vector<NodePeer> out;
  std::string text = node.ctl("getPeers");
  try {
    auto root = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    auto peers = root->getArray("peers");
    for (std::size_t i = 0; peers && i < peers->size(); ++i) {
      auto p = peers->getObject(static_cast<unsigned>(i));
      if (!p->has("key") || p->getValue<std::string>("key") != key.hex()) continue;
      out.push_back({p->getValue<bool>("up"), p->getValue<bool>("inbound"),
                     p->has("remote") ? p->getValue<std::string>("remote") : std::string()});
    }
  } catch (const Poco::Exception&) {
    // Not JSON yet (the node still starting): no peers.
  }
  return out;
}

Bytes readMetadata(std::uint16_t tcpPort) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(tcpPort);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  Bytes out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0) {
    std::uint8_t head[6];
    if (rtk::test::readExact(fd, head, 6, 5000ms)) {
      out.assign(head, head + 6);
      out.resize(VersionMetadata::messageBytes(out));
      if (!rtk::test::readExact(fd, out.data() + 6, out.size() - 6, 5000ms)) out.clear();
    }
  }
  ::close(fd);
  return out;
}

}  // namespace

class RealNodeInteropTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RealNodeInteropTest);
  CPPUNIT_TEST(realMetadataEqualsOurEncoding);
  CPPUNIT_TEST(weDialTheRealNode);
  CPPUNIT_TEST(theRealNodeDialsUs);
  CPPUNIT_TEST(theRealNodeEnforcesItsAllowedKeys);
  CPPUNIT_TEST(weProbeTheRealNode);
  CPPUNIT_TEST_SUITE_END();

 public:
  void realMetadataEqualsOurEncoding() {
    auto plainPort = rtk::test::freeTcpPort(), pwPort = rtk::test::freeTcpPort();
    RealNode node({rtk::test::kCaptureNodePrivateKey,
                   {"tcp://127.0.0.1:" + std::to_string(plainPort),
                    "tcp://127.0.0.1:" + std::to_string(pwPort) + "?password=hunter2&priority=3"},
                   {},
                   {}});
    CPPUNIT_ASSERT(node.waitLog("TCP listener started on 127.0.0.1:" + std::to_string(pwPort), kRealNodeWait));
    auto key = SigningKey::fromHex(rtk::test::kCaptureNodePrivateKey);
    Bytes plain = readMetadata(plainPort);
    CPPUNIT_ASSERT(plain == VersionMetadata{}.encode(key, ""));
    CPPUNIT_ASSERT(plain == rtk::test::testData("real-meta-seed00-prio0.bin"));
    VersionMetadata prio;
    prio.priority = 3;
    Bytes withPassword = readMetadata(pwPort);
    CPPUNIT_ASSERT(withPassword == prio.encode(key, "hunter2"));
    CPPUNIT_ASSERT(VersionMetadata::decode(withPassword, "hunter2").priority == 3);
  }

  void weDialTheRealNode() {
    auto tcpPort = std::to_string(rtk::test::freeTcpPort()), tlsPort = std::to_string(rtk::test::freeTcpPort()),
         wsPort = std::to_string(rtk::test::freeTcpPort()), pwPort = std::to_string(rtk::test::freeTcpPort());
    RealNode node({"",
                   {"tcp://127.0.0.1:" + tcpPort, "tls://127.0.0.1:" + tlsPort, "ws://127.0.0.1:" + wsPort,
                    "tcp://127.0.0.1:" + pwPort + "?password=nodepw"},
                   {},
                   {}});
    CPPUNIT_ASSERT(node.waitLog("TCP listener started on 127.0.0.1:" + pwPort, kRealNodeWait));

    TestNode us;
    us.links->addPeer("tcp://127.0.0.1:" + tcpPort + "?key=" + node.key().hex());
    us.links->addPeer("tls://127.0.0.1:" + tlsPort);
    us.links->addPeer("ws://127.0.0.1:" + wsPort);
    CPPUNIT_ASSERT_MESSAGE(us.logs.dump() + node.log(), waitUntil([&] { return us.registry.active().size() == 3; }, kRealNodeWait));
    for (auto& ep : us.registry.active()) {
      CPPUNIT_ASSERT(ep->key() == node.key());
      // The real router starts its protocol at once: sigreq and bloom filter.
      CPPUNIT_ASSERT_MESSAGE(us.logs.dump(), waitUntil([&] { return ep->countType(kTypeSigReq) >= 1 && ep->countType(kTypeBloom) >= 1; }, kRealNodeWait));
      // Our sigreq (seq 1, nonce 7) gets its signed answer: frames flow both ways.
      ep->send(Bytes{kTypeSigReq, 0x01, 0x07});
      CPPUNIT_ASSERT_MESSAGE(node.log(), waitUntil([&] { return ep->countType(kTypeSigRes) >= 1; }, kRealNodeWait));
    }
    // The real node lists us three times, up and inbound.
    auto allUp = [](const std::vector<NodePeer>& peers, bool inbound) {
      if (peers.size() != 3) return false;
      for (const auto& p : peers)
        if (!p.up || p.inbound != inbound) return false;
      return true;
    };
    CPPUNIT_ASSERT_MESSAGE(node.ctl("getPeers"), waitUntil([&] { return allUp(nodePeers(node, us.publicKey()), true); }, kRealNodeWait));
    // Keepalives keep the links up well past the 3 s peer timeout.
    std::this_thread::sleep_for(4s);
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), us.registry.active().size());
    CPPUNIT_ASSERT_EQUAL(3, us.registry.added());
    CPPUNIT_ASSERT(allUp(nodePeers(node, us.publicKey()), true));
    auto ours = us.peers();
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), ours.size());
    for (auto& p : ours) CPPUNIT_ASSERT_MESSAGE(p.uri, p.up && p.key == node.key() && p.rxBytes > 0 && p.txBytes > 0);

    // Wrong password: both ends say so.
    TestNode wrongPassword;
    wrongPassword.links->addPeer("tcp://127.0.0.1:" + pwPort + "?password=ourpw");
    CPPUNIT_ASSERT(waitUntil([&] { return wrongPassword.logs.contains("password does not match remote side"); }, kRealNodeWait));
    CPPUNIT_ASSERT_MESSAGE(node.log(), node.waitLog("error: password does not match remote side", kRealNodeWait));
    CPPUNIT_ASSERT_EQUAL(0, wrongPassword.registry.added());
    // The right one works.
    wrongPassword.links->addPeer("tcp://127.0.0.1:" + pwPort + "/?password=nodepw");
    CPPUNIT_ASSERT(wrongPassword.waitPeer(node.key(), kRealNodeWait));

    // A pin for another key: refused on our side, with the key we found.
    TestNode pinned;
    pinned.links->addPeer("tcp://127.0.0.1:" + tcpPort + "?key=" + SigningKey::generate().publicKey().hex());
    CPPUNIT_ASSERT(waitUntil([&] { return !pinned.logs.find({"warn", node.key().hex(), "does not match pinned keys"}).empty(); }, kRealNodeWait));
    CPPUNIT_ASSERT_EQUAL(0, pinned.registry.added());
  }

  void theRealNodeDialsUs() {
    TestNode us, withPassword, pinnedByNode;
    TestNode strict({SigningKey::generate().publicKey()});
    auto tcp = us.links->listen("tcp://127.0.0.1:0");
    auto tls = us.links->listen("tls://127.0.0.1:0");
    auto ws = us.links->listen("ws://127.0.0.1:0");
    auto pw = withPassword.links->listen("tcp://127.0.0.1:0?password=ourpw");
    auto pin = pinnedByNode.links->listen("tcp://127.0.0.1:0");
    auto allowed = strict.links->listen("tcp://127.0.0.1:0");
    RealNode node({"",
                   {},
                   {tcp.uri, tls.uri, ws.uri, pw.uri + "?password=nodepw",
                    pin.uri + "?key=" + SigningKey::generate().publicKey().hex(), allowed.uri},
                   {}});

    // tcp, tls and ws: up on both sides, frames both ways.
    CPPUNIT_ASSERT_MESSAGE(us.logs.dump() + node.log(), waitUntil([&] { return us.registry.active().size() == 3; }, kRealNodeWait));
    for (auto& ep : us.registry.active()) {
      CPPUNIT_ASSERT(ep->key() == node.key());
      CPPUNIT_ASSERT(waitUntil([&] { return ep->countType(kTypeSigReq) >= 1 && ep->countType(kTypeBloom) >= 1; }, kRealNodeWait));
      ep->send(Bytes{kTypeSigReq, 0x05, 0x09});
      CPPUNIT_ASSERT_MESSAGE(node.log(), waitUntil([&] { return ep->countType(kTypeSigRes) >= 1; }, kRealNodeWait));
    }
    CPPUNIT_ASSERT_MESSAGE(node.ctl("getPeers"), waitUntil([&] {
      auto peers = nodePeers(node, us.publicKey());
      return peers.size() == 3 && std::all_of(peers.begin(), peers.end(), [](auto& p) { return p.up && !p.inbound; });
    }, kRealNodeWait));
    auto inbound = us.peers();
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), inbound.size());
    for (auto& p : inbound) CPPUNIT_ASSERT_MESSAGE(p.uri, p.up && p.inbound && p.uri.find("://127.0.0.1:") != std::string::npos);

    // Password mismatch: both ends say so.
    CPPUNIT_ASSERT(waitUntil([&] { return withPassword.logs.contains("password does not match remote side"); }, kRealNodeWait));
    CPPUNIT_ASSERT(node.waitLog("password does not match remote side", kRealNodeWait));
    CPPUNIT_ASSERT_EQUAL(0, withPassword.registry.added());

    // The node pinned another key: it refuses us and says why.
    CPPUNIT_ASSERT_MESSAGE(node.log(), node.waitLog("node public key that does not match pinned keys", kRealNodeWait));

    // Our AllowedPublicKeys does not list the node: we refuse it.
    CPPUNIT_ASSERT(waitUntil([&] {
      return !strict.logs.find({"warn", "\"" + node.key().hex() + "\" is not in AllowedPublicKeys"}).empty();
    }, kRealNodeWait));
    CPPUNIT_ASSERT_EQUAL(0, strict.registry.added());
    CPPUNIT_ASSERT(nodePeers(node, strict.publicKey()).empty() || !nodePeers(node, strict.publicKey())[0].up);
  }

  void theRealNodeEnforcesItsAllowedKeys() {
    auto tcpPort = std::to_string(rtk::test::freeTcpPort());
    TestNode us;
    RealNode node({"", {"tcp://127.0.0.1:" + tcpPort}, {}, {SigningKey::generate().publicKey().hex()}});
    CPPUNIT_ASSERT(node.waitLog("TCP listener started on 127.0.0.1:" + tcpPort, kRealNodeWait));
    us.links->addPeer("tcp://127.0.0.1:" + tcpPort);
    CPPUNIT_ASSERT_MESSAGE(node.log(), node.waitLog("\"" + us.publicKey().hex() + "\" is not in AllowedPublicKeys", kRealNodeWait));
    // Our side saw the link go down and keeps redialling it.
    CPPUNIT_ASSERT(waitUntil([&] { auto p = us.peer("tcp://127.0.0.1:" + tcpPort); return p && !p->up && !p->lastError.empty(); }, kRealNodeWait));
    CPPUNIT_ASSERT(nodePeers(node, us.publicKey()).empty());
  }

  // probePeer against the real node: its key and a round trip over tcp, tls
  // and ws, pins and passwords honoured, and nothing registered on our side.
  void weProbeTheRealNode() {
    auto tcpPort = std::to_string(rtk::test::freeTcpPort()), tlsPort = std::to_string(rtk::test::freeTcpPort()),
         wsPort = std::to_string(rtk::test::freeTcpPort()), pwPort = std::to_string(rtk::test::freeTcpPort());
    RealNode node({"",
                   {"tcp://127.0.0.1:" + tcpPort, "tls://127.0.0.1:" + tlsPort, "ws://127.0.0.1:" + wsPort,
                    "tcp://127.0.0.1:" + pwPort + "?password=nodepw"},
                   {},
                   {}});
    CPPUNIT_ASSERT(node.waitLog("TCP listener started on 127.0.0.1:" + pwPort, kRealNodeWait));
    TestNode us;
    auto probe = [&](const std::string& uri) {
      std::mutex m;
      std::vector<rtk::Outcome<rtk::PeerProbe>> got;
      us.links->probePeer(uri, 10s, [&](rtk::Outcome<rtk::PeerProbe> o) {
        std::lock_guard l(m);
        got.push_back(std::move(o));
      });
      CPPUNIT_ASSERT_MESSAGE(uri, waitUntil([&] {
                                    std::lock_guard l(m);
                                    return !got.empty();
                                  }, kRealNodeWait));
      std::this_thread::sleep_for(50ms);
      std::lock_guard l(m);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(uri, std::size_t(1), got.size());
      return got[0];
    };
    for (const std::string& uri : {"tcp://127.0.0.1:" + tcpPort + "?key=" + node.key().hex(), "tls://127.0.0.1:" + tlsPort,
                                  "ws://127.0.0.1:" + wsPort, "tcp://127.0.0.1:" + pwPort + "?password=nodepw"}) {
      auto o = probe(uri);
      CPPUNIT_ASSERT_MESSAGE(uri + ": " + (o.error ? o.error->what() : "") + "\n" + us.logs.dump() + node.log(), o.ok());
      CPPUNIT_ASSERT_MESSAGE(uri, o.value.key == node.key());
      CPPUNIT_ASSERT_MESSAGE(uri, o.value.rtt > 0ns && o.value.rtt < 5s);
    }
    auto wrong = probe("tcp://127.0.0.1:" + pwPort + "?password=ourpw");
    CPPUNIT_ASSERT(wrong.error && wrong.error->code() == rtk::Errc::Protocol);
    CPPUNIT_ASSERT_MESSAGE(wrong.error->what(),
                           std::string(wrong.error->what()).find("password does not match remote side") != std::string::npos);
    auto pinned = probe("tls://127.0.0.1:" + tlsPort + "?key=" + SigningKey::generate().publicKey().hex());
    CPPUNIT_ASSERT(pinned.error && pinned.error->code() == rtk::Errc::Refused);
    CPPUNIT_ASSERT_EQUAL(0, us.registry.added());
    CPPUNIT_ASSERT(us.peers().empty());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RealNodeInteropTest);
