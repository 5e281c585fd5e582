#include <cppunit/extensions/HelperMacros.h>

#include "core/address/Address.hpp"
#include "core/crypto/Pem.hpp"
#include "ratatoskr/error.hpp"
#include "runtime/IdentityNode.hpp"
#include "runtime/NodeFactory.hpp"
#include "runtime/NodeKey.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace rtk::host {
namespace {

Errc codeOf(const std::function<void()>& fn, std::string* message = nullptr) {
  try {
    fn();
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  CPPUNIT_FAIL("no exception");
  return Errc::Unknown;
}

}  // namespace

class IdentityNodeTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(IdentityNodeTest);
  CPPUNIT_TEST(identityComesFromTheKey);
  CPPUNIT_TEST(peersAreKeptAndChecked);
  CPPUNIT_TEST(missingLayersSaySo);
  CPPUNIT_TEST(closeEndsEverything);
  CPPUNIT_TEST(keySourcesInOrder);
  CPPUNIT_TEST(factoryDescribesWhatRuns);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { core::crypto::initSodium(); }

  void identityComesFromTheKey() {
    auto key = core::crypto::SigningKey::generate();
    NodeConfig cfg;
    cfg.ifMTU = 100;  // clamped up
    IdentityNode node(key, cfg);
    CPPUNIT_ASSERT(node.publicKey() == key.publicKey());
    CPPUNIT_ASSERT(node.address() == core::address::addressForKey(key.publicKey()));
    CPPUNIT_ASSERT(node.subnet() == core::address::subnetForKey(key.publicKey()));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1280), node.mtu());
    cfg.ifMTU = 1u << 20;
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(65535), IdentityNode(key, cfg).mtu());
    CPPUNIT_ASSERT(node.getSelf().key == key.publicKey());
    auto tree = node.getTree();
    CPPUNIT_ASSERT(tree.size() == 1 && tree[0].parent == key.publicKey());
  }

  void peersAreKeptAndChecked() {
    NodeConfig cfg;
    cfg.peers = {"tls://a.example:443"};
    cfg.interfacePeers["eth0"] = {"tcp://[fe80::1%eth0]:9001"};
    IdentityNode node(core::crypto::SigningKey::generate(), cfg);
    auto peers = node.getPeers();
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), peers.size());
    CPPUNIT_ASSERT(!peers[0].up);
    CPPUNIT_ASSERT(peers[0].lastError.find("not running") != std::string::npos);
    std::string msg;
    CPPUNIT_ASSERT(codeOf([&] { node.addPeer("tls://a.example:443"); }, &msg) == Errc::AlreadyExists);
    CPPUNIT_ASSERT(msg.find("peer is already configured") != std::string::npos);
    CPPUNIT_ASSERT(codeOf([&] { node.addPeer("not a uri"); }) == Errc::InvalidArgument);
    node.addPeer("tls://a.example:443", "eth1");  // same URI, other interface: another peer
    node.removePeer("tls://a.example:443");
    CPPUNIT_ASSERT(codeOf([&] { node.removePeer("tls://a.example:443"); }, &msg) == Errc::NotFound);
    CPPUNIT_ASSERT(msg.find("peer is not configured") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), node.getPeers().size());
  }

  void missingLayersSaySo() {
    IdentityNode node(core::crypto::SigningKey::generate(), NodeConfig{});
    std::string msg;
    CPPUNIT_ASSERT(codeOf([&] { node.dial("tcp", "[200::1]:80"); }, &msg) == Errc::NotSupported);
    CPPUNIT_ASSERT_EQUAL(std::string("netstack: not running in this build"), msg);
    CPPUNIT_ASSERT(codeOf([&] { node.listen("tcp", ":80"); }) == Errc::NotSupported);
    CPPUNIT_ASSERT(codeOf([&] { node.listenPacket("udp", ":53"); }) == Errc::NotSupported);
    CPPUNIT_ASSERT(codeOf([&] { node.getNodeInfo(PublicKey{}, std::chrono::milliseconds(1)); }, &msg) == Errc::NotSupported);
    CPPUNIT_ASSERT_EQUAL(std::string("sessions: not running in this build"), msg);
    CPPUNIT_ASSERT(codeOf([&] { node.enableMulticast(); }) == Errc::NotSupported);
    CPPUNIT_ASSERT(codeOf([&] { node.enableAdmin("unix:///tmp/x.sock"); }) == Errc::NotSupported);
    node.addAdminHandler("GetStatus", "d", {}, [](std::string_view) { return std::string("{}"); });
    CPPUNIT_ASSERT((node.adminCommands() == std::vector<std::string>{"getstatus"}));
    CPPUNIT_ASSERT(codeOf([&] { node.addAdminHandler("getstatus", "", {}, [](std::string_view) { return std::string(); }); }) ==
                   Errc::AlreadyExists);
  }

  void closeEndsEverything() {
    IdentityNode node(core::crypto::SigningKey::generate(), NodeConfig{});
    node.close();
    node.close();
    CPPUNIT_ASSERT(node.address().isUnspecified());
    CPPUNIT_ASSERT(node.getPeers().empty());
    CPPUNIT_ASSERT(codeOf([&] { node.addPeer("tls://a:1"); }) == Errc::Closed);
    CPPUNIT_ASSERT(codeOf([&] { node.dial("tcp", "[200::1]:80"); }) == Errc::Closed);
  }

  void keySourcesInOrder() {
    auto key = core::crypto::SigningKey::generate();
    NodeConfig cfg;
    cfg.privateKey = key.hex();
    auto fromHex = resolveNodeKey(cfg);
    CPPUNIT_ASSERT(fromHex.key.publicKey() == key.publicKey());
    CPPUNIT_ASSERT_EQUAL(std::string("PrivateKey"), fromHex.source);

    auto other = core::crypto::SigningKey::generate();
    auto pem = (std::filesystem::temp_directory_path() / ("rtk-identity-" + std::to_string(::getpid()) + ".pem")).string();
    {
      std::ofstream out(pem);
      out << core::crypto::toPemPrivateKey(other);
    }
    cfg.privateKeyPath = pem;
    auto fromPem = resolveNodeKey(cfg);
    std::filesystem::remove(pem);
    CPPUNIT_ASSERT_MESSAGE("PrivateKeyPath wins", fromPem.key.publicKey() == other.publicKey());
    CPPUNIT_ASSERT_EQUAL("PrivateKeyPath " + pem, fromPem.source);

    cfg.privateKeyPath = pem;  // now deleted
    std::string msg;
    CPPUNIT_ASSERT(codeOf([&] { resolveNodeKey(cfg); }, &msg) == Errc::Config);
    CPPUNIT_ASSERT(msg.rfind("PrivateKeyPath: ", 0) == 0);

    NodeConfig none;
    auto a = resolveNodeKey(none), b = resolveNodeKey(none);
    CPPUNIT_ASSERT_EQUAL(std::string("generated"), a.source);
    CPPUNIT_ASSERT(!(a.key.publicKey() == b.key.publicKey()));
  }

  void factoryDescribesWhatRuns() {
    NodeConfig cfg;
    cfg.privateKey = core::crypto::SigningKey::generate().hex();
    cfg.peers = {"tls://x:1", "tls://y:2"};
    auto instance = defaultNodeFactory()(cfg, Log());
    CPPUNIT_ASSERT(instance.node);
    CPPUNIT_ASSERT(instance.description.find("key from PrivateKey") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), instance.notRunning.size());
    CPPUNIT_ASSERT(instance.notRunning[0].find("2 configured peer(s)") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), instance.node->getPeers().size());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(IdentityNodeTest);

}  // namespace rtk::host
