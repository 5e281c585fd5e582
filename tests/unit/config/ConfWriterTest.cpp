#include <cppunit/extensions/HelperMacros.h>

#include "config/ConfParser.hpp"
#include "config/ConfWriter.hpp"
#include "core/crypto/Ed25519.hpp"
#include "ratatoskr/json.hpp"

namespace rtk::host {

class ConfWriterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ConfWriterTest);
  CPPUNIT_TEST(genconfParsesBackWithItsKey);
  CPPUNIT_TEST(freshConfsDiffer);
  CPPUNIT_TEST(effectiveRedactsSecrets);
  CPPUNIT_TEST(effectiveRoundTrips);
  CPPUNIT_TEST(shippedConfNeedsNoNetwork);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { core::crypto::initSodium(); }

  void genconfParsesBackWithItsKey() {
    auto key = core::crypto::SigningKey::generate();
    std::string text = ConfWriter::generate(key.hex());
    CPPUNIT_ASSERT_MESSAGE("genconf output is commented", text.find("//") != std::string::npos);
    auto c = ConfParser::parseText(text, "gen.conf");
    CPPUNIT_ASSERT_EQUAL(key.hex(), c.node.privateKey);
    CPPUNIT_ASSERT(c.warnings.empty());
    // Nothing that needs a network.
    CPPUNIT_ASSERT(c.node.peers.empty() && c.node.interfacePeers.empty() && c.node.listen.empty());
    CPPUNIT_ASSERT(c.node.multicastInterfaces.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("none"), c.node.adminListen);
    CPPUNIT_ASSERT(c.plugins.enabled.empty());
  }

  void freshConfsDiffer() {
    auto a = ConfParser::parseText(ConfWriter::generateFresh(), "a.conf");
    auto b = ConfParser::parseText(ConfWriter::generateFresh(), "b.conf");
    CPPUNIT_ASSERT_EQUAL(std::size_t(128), a.node.privateKey.size());
    CPPUNIT_ASSERT(a.node.privateKey != b.node.privateKey);
  }

  void effectiveRedactsSecrets() {
    auto key = core::crypto::SigningKey::generate();
    auto c = ConfParser::parseText("{\"PrivateKey\": \"" + key.hex() +
                                       R"(", "MulticastInterfaces": [{"Password": "hunter2"}]})",
                                   "s.conf");
    std::string shown = ConfWriter::effective(c, false);
    CPPUNIT_ASSERT(shown.find(key.hex()) == std::string::npos);
    CPPUNIT_ASSERT(shown.find("hunter2") == std::string::npos);
    auto v = json::Value::parse(shown);
    CPPUNIT_ASSERT_EQUAL(std::string(ConfWriter::kRedacted), v.get("PrivateKey").asString());
    CPPUNIT_ASSERT_EQUAL(std::string(ConfWriter::kRedacted), v.get("MulticastInterfaces")[0].get("Password").asString());
    std::string secret = ConfWriter::effective(c, true);
    CPPUNIT_ASSERT(secret.find(key.hex()) != std::string::npos && secret.find("hunter2") != std::string::npos);
  }

  void effectiveRoundTrips() {
    std::string text = R"({
      "Peers": ["tls://a:1"], "InterfacePeers": {"eth0": ["tcp://b:2"]}, "Listen": ["tcp://127.0.0.1:0"],
      "AdminListen": "tcp://127.0.0.1:9001", "AllowedPublicKeys": [], "IfMTU": 1500,
      "MulticastInterfaces": [{"Regex": "wl.*", "Beacon": false, "Listen": false, "Port": 5, "Priority": 9}],
      "NodeInfo": {"k": [true, null, 1.5]}, "NodeInfoPrivacy": true,
      "Plugins": {"Directories": ["/p"], "Enabled": ["status"]}, "Modules": {"status": {"IntervalSeconds": 7}},
      "Log": {"Level": "warn"}})";
    auto a = ConfParser::parseText(text, "r.conf");
    auto b = ConfParser::parseText(ConfWriter::effective(a, true), "r2.conf");
    CPPUNIT_ASSERT(a.node.peers == b.node.peers && a.node.interfacePeers == b.node.interfacePeers);
    CPPUNIT_ASSERT(a.node.listen == b.node.listen && a.node.adminListen == b.node.adminListen);
    CPPUNIT_ASSERT(a.node.ifMTU == b.node.ifMTU && a.node.nodeInfo == b.node.nodeInfo);
    CPPUNIT_ASSERT(b.node.nodeInfoPrivacy);
    CPPUNIT_ASSERT(b.node.multicastInterfaces.size() == 1 && b.node.multicastInterfaces[0].regex == "wl.*" &&
                   b.node.multicastInterfaces[0].port == 5 && b.node.multicastInterfaces[0].priority == 9 &&
                   !b.node.multicastInterfaces[0].beacon);
    CPPUNIT_ASSERT(a.plugins.directories == b.plugins.directories && a.plugins.enabled == b.plugins.enabled);
    CPPUNIT_ASSERT(b.modules.at("status") == a.modules.at("status"));
    CPPUNIT_ASSERT(b.logLevel == LogLevel::Warn);
  }

  void shippedConfNeedsNoNetwork() {
    auto c = ConfParser::parseFile(RTK_SOURCE_DIR "/conf/ratatoskr.conf");
    CPPUNIT_ASSERT(c.warnings.empty());
    CPPUNIT_ASSERT(c.node.peers.empty() && c.node.interfacePeers.empty());
    CPPUNIT_ASSERT(c.node.multicastInterfaces.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("none"), c.node.adminListen);
    for (const auto& l : c.node.listen)
      CPPUNIT_ASSERT_MESSAGE(l, l.find("127.0.0.1") != std::string::npos || l.find("[::1]") != std::string::npos);
    // metrics listens on loopback only (interop_metrics checks it with ss).
    CPPUNIT_ASSERT((c.plugins.enabled == std::vector<std::string>{"status", "metrics"}));
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:9101"), c.modules.at("metrics").get("Listen").asString());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfWriterTest);

}  // namespace rtk::host
