#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>

#include "common/TempDir.hpp"
#include "config/ConfParser.hpp"
#include "core/crypto/Ed25519.hpp"
#include "core/crypto/Pem.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::host {
namespace {

std::string errorOf(const std::string& text) {
  try {
    ConfParser::parseText(text, "test.conf");
  } catch (const Error& e) {
    CPPUNIT_ASSERT(e.code() == Errc::Config);
    return e.what();
  }
  CPPUNIT_FAIL("accepted: " + text);
  return "";
}

const std::string kHex64(64, 'a');

}  // namespace

class ConfParserTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ConfParserTest);
  CPPUNIT_TEST(parsesEveryKey);
  CPPUNIT_TEST(emptyObjectGivesDefaults);
  CPPUNIT_TEST(readsYggdrasilGenconf);
  CPPUNIT_TEST(resolvesPathsAgainstTheConfFile);
  CPPUNIT_TEST(syntaxErrorsArePositioned);
  CPPUNIT_TEST(unknownKeysSuggest);
  CPPUNIT_TEST(wrongTypesNameFieldAndType);
  CPPUNIT_TEST(badKeysNameTheField);
  CPPUNIT_TEST(otherBadValues);
  CPPUNIT_TEST(unreadableFile);
  CPPUNIT_TEST(laptopExampleEnablesMulticastEverywhere);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { core::crypto::initSodium(); }

  void parsesEveryKey() {
    auto key = core::crypto::SigningKey::generate();
    std::string text = R"(// a full conf
{
  "PrivateKey": ")" + key.hex() + R"(",  # the key
  "Peers": ["tls://a.example:443", "tcp://[200::1]:9001"],
  "InterfacePeers": {"eth0": ["tcp://[fe80::1%eth0]:1"]},
  "Listen": ["tls://127.0.0.1:0"],
  "AdminListen": "unix:///tmp/rtk.sock",
  /* link-local
     discovery */
  "MulticastInterfaces": [{"Regex": "eth.*", "Beacon": false, "Listen": true, "Port": 9001, "Priority": 3, "Password": "pw"}],
  "AllowedPublicKeys": [")" + kHex64 + R"("],
  "IfMTU": 9000,
  "NodeInfo": {"name": "edge", "list": [1, 2]},
  "NodeInfoPrivacy": true,
  "Plugins": {"Directories": ["/opt/plugins"], "Enabled": ["status", "socks", "status"]},
  "Modules": {"status": {"IntervalSeconds": 5}},
  "Log": {"Level": "debug"}
})";
    auto c = ConfParser::parseText(text, "/etc/ratatoskr/ratatoskr.conf");
    CPPUNIT_ASSERT_EQUAL(std::string("/etc/ratatoskr/ratatoskr.conf"), c.sourcePath);
    CPPUNIT_ASSERT_EQUAL(key.hex(), c.node.privateKey);
    CPPUNIT_ASSERT((c.node.peers == std::vector<std::string>{"tls://a.example:443", "tcp://[200::1]:9001"}));
    CPPUNIT_ASSERT((c.node.interfacePeers.at("eth0") == std::vector<std::string>{"tcp://[fe80::1%eth0]:1"}));
    CPPUNIT_ASSERT((c.node.listen == std::vector<std::string>{"tls://127.0.0.1:0"}));
    CPPUNIT_ASSERT_EQUAL(std::string("unix:///tmp/rtk.sock"), c.node.adminListen);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), c.node.multicastInterfaces.size());
    const auto& m = c.node.multicastInterfaces[0];
    CPPUNIT_ASSERT(m.regex == "eth.*" && !m.beacon && m.listen && m.port == 9001 && m.priority == 3 && m.password == "pw");
    CPPUNIT_ASSERT((c.node.allowedPublicKeys == std::vector<std::string>{kHex64}));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(9000), c.node.ifMTU);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"name":"edge","list":[1,2]})"), c.node.nodeInfo);
    CPPUNIT_ASSERT(c.node.nodeInfoPrivacy);
    CPPUNIT_ASSERT((c.plugins.directories == std::vector<std::string>{"/opt/plugins"}));
    CPPUNIT_ASSERT_MESSAGE("duplicates dropped", (c.plugins.enabled == std::vector<std::string>{"status", "socks"}));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), c.modules.at("status").get("IntervalSeconds").asUint64());
    CPPUNIT_ASSERT(c.logLevel == LogLevel::Debug);
    CPPUNIT_ASSERT(c.warnings.empty());
  }

  void emptyObjectGivesDefaults() {
    auto c = ConfParser::parseText("{}", "x.conf");
    NodeConfig defaults;
    CPPUNIT_ASSERT(c.node.privateKey.empty() && c.node.peers.empty() && c.node.listen.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("none"), c.node.adminListen);
    CPPUNIT_ASSERT_EQUAL(defaults.ifMTU, c.node.ifMTU);
    CPPUNIT_ASSERT_EQUAL(std::string("{}"), c.node.nodeInfo);
    CPPUNIT_ASSERT(c.logLevel == LogLevel::Info);
    CPPUNIT_ASSERT(c.plugins.enabled.empty() && c.modules.empty());
  }

  void readsYggdrasilGenconf() {
    // `yggdrasil -genconf -json` of 0.5.12, with its nulls and IfName.
    auto key = core::crypto::SigningKey::generate();
    std::string text = "{\n  \"PrivateKey\": \"" + key.hex() + R"(",
  "Peers": [],
  "InterfacePeers": {},
  "Listen": [],
  "MulticastInterfaces": [
    {
      "Regex": ".*",
      "Beacon": true,
      "Listen": true,
      "Password": ""
    }
  ],
  "AllowedPublicKeys": [],
  "IfName": "auto",
  "IfMTU": 65535,
  "NodeInfoPrivacy": false,
  "NodeInfo": null
})";
    auto c = ConfParser::parseText(text, "yggdrasil.conf");
    CPPUNIT_ASSERT_EQUAL(key.hex(), c.node.privateKey);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), c.node.multicastInterfaces.size());
    CPPUNIT_ASSERT_EQUAL(std::string(".*"), c.node.multicastInterfaces[0].regex);
    CPPUNIT_ASSERT_EQUAL(std::string("{}"), c.node.nodeInfo);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), c.warnings.size());
    CPPUNIT_ASSERT_EQUAL(std::string("yggdrasil.conf:15:3: \"IfName\" is ignored: ratatoskr has no TUN interface; its TCP/UDP stack runs in userspace"),
                         c.warnings[0]);
  }

  void resolvesPathsAgainstTheConfFile() {
    rtk::test::TempDir dir("conf");
    std::filesystem::create_directory(dir.file("keys"));
    auto key = core::crypto::SigningKey::generate();
    dir.write("keys/node.pem", core::crypto::toPemPrivateKey(key));
    dir.write("node.conf", R"({"PrivateKeyPath": "keys/node.pem", "Plugins": {"Directories": ["plugins", "/abs"]}})");
    auto c = ConfParser::parseFile(dir.file("node.conf"));
    CPPUNIT_ASSERT_EQUAL(dir.file("keys/node.pem"), c.node.privateKeyPath);
    CPPUNIT_ASSERT((c.plugins.directories == std::vector<std::string>{dir.file("plugins"), "/abs"}));
    // Relative to the working directory when the conf itself has no directory part.
    auto here = ConfParser::parseText(R"({"Plugins": {"Directories": ["plugins"]}})", "local.conf");
    CPPUNIT_ASSERT((here.plugins.directories == std::vector<std::string>{"plugins"}));
  }

  void syntaxErrorsArePositioned() {
    // A trailing comma alone is read as yggdrasil reads it (HjsonReaderTest); with a
    // second error HJSON cannot read either, the JSON error names the first.
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:3:1: unexpected byte '}' in value (trailing comma before '}')"),
                         errorOf("{\n  \"Peers\": [],\n}\n]"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:2:11: expected ':' after member name"), errorOf("{\n  \"Peers\" []\n}"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:2:3: unterminated /* comment"), errorOf("{\n  /* never closed\n}"));
    // Comments before the error must not shift its position.
    // (HJSON, tried next as yggdrasil would, fails here too: "1280 1 }" is a string to the end of the line.)
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:4:31: expected ',' or '}' after member value"),
                         errorOf("// a comment with \"quotes\" and { braces\n{\n  /* block\n     comment */ \"IfMTU\": 1280 1 }"));
    auto eof = errorOf("{\n  \"Peers\": []\n");
    CPPUNIT_ASSERT_MESSAGE(eof, eof.rfind("test.conf:3:1: ", 0) == 0);
    CPPUNIT_ASSERT_MESSAGE(eof, eof.find(": unexpected end of file (") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:14: Excess characters found after JSON end."), errorOf("{\"IfMTU\": 1} x"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:3:3: duplicate key \"Peers\" (first at line 2, column 3)"),
                         errorOf("{\n  \"Peers\": [],\n  \"Peers\": []\n}"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:1: the conf file must hold one JSON object, got array"), errorOf("[1]"));
  }

  void unknownKeysSuggest() {
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:2:3: unknown key \"Peer\" (did you mean \"Peers\"?)"), errorOf("{\n  \"Peer\": []\n}"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:2: unknown key \"adminlisten\" (did you mean \"AdminListen\"?)"),
                         errorOf(R"({"adminlisten": "none"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:2: unknown key \"Frobnicate\""), errorOf(R"({"Frobnicate": 1})"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:27: unknown key \"Regx\" in \"MulticastInterfaces[0]\" (did you mean \"Regex\"?)"),
                         errorOf(R"({"MulticastInterfaces": [{"Regx": ".*"}]})"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:14: unknown key \"Enable\" in \"Plugins\" (did you mean \"Enabled\"?)"),
                         errorOf(R"({"Plugins": {"Enable": []}})"));
  }

  void wrongTypesNameFieldAndType() {
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:2:12: \"IfMTU\" must be an unsigned integer, got string \"9000\""),
                         errorOf("{\n  \"IfMTU\": \"9000\"\n}"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:25: \"Peers[1]\" must be a string, got integer 5"),
                         errorOf(R"({"Peers": ["tls://a:1", 5]})"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:11: \"Peers\" must be an array of strings, got string \"tls://a:1\""),
                         errorOf(R"({"Peers": "tls://a:1"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:21: \"NodeInfoPrivacy\" must be true or false, got string \"yes\""),
                         errorOf(R"({"NodeInfoPrivacy": "yes"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:35: \"MulticastInterfaces[0].Port\" must be an integer from 0 to 65535, got integer 70000"),
                         errorOf(R"({"MulticastInterfaces": [{"Port": 70000}]})"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:11: \"IfMTU\" must be an unsigned integer, got integer -1"),
                         errorOf(R"({"IfMTU": -1})"));
    // Past 2^64 the reader keeps a whole number as a double (fuzz_conf_hjson:
    // a range error escaped instead of this one).
    const std::string huge = errorOf(R"({"IfMTU": 88888888888888888888888888888})");
    CPPUNIT_ASSERT_MESSAGE(huge, huge.rfind("test.conf:1:11: \"IfMTU\" must be an unsigned integer, got ", 0) == 0);
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:24: \"Modules.status\" must be an object, got integer 5"),
                         errorOf(R"({"Modules": {"status": 5}})"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:14: \"NodeInfo\" must be an object, got array"), errorOf(R"({"NodeInfo": [1]})"));
  }

  void badKeysNameTheField() {
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:16: \"PrivateKey\" must be 128 hex digits (seed and public key), got 64 characters"),
                         errorOf("{\"PrivateKey\": \"" + kHex64 + "\"}"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:16: \"PrivateKey\" must be 128 hex digits (seed and public key), got non-hex characters"),
                         errorOf("{\"PrivateKey\": \"" + std::string(127, 'a') + "x\"}"));
    // 128 hex digits whose public half does not belong to the seed.
    auto key = core::crypto::SigningKey::generate();
    std::string wrong = key.hex();
    wrong[127] = wrong[127] == '0' ? '1' : '0';
    auto msg = errorOf("{\"PrivateKey\": \"" + wrong + "\"}");
    CPPUNIT_ASSERT_MESSAGE(msg, msg.rfind("test.conf:1:16: \"PrivateKey\" is not a valid Ed25519 key: ", 0) == 0);
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:24: \"AllowedPublicKeys[0]\" must be a public key of 64 hex digits, got 3 characters"),
                         errorOf(R"({"AllowedPublicKeys": ["abc"]})"));
    auto missing = errorOf(R"({"PrivateKeyPath": "/nonexistent/rtk-key.pem"})");
    CPPUNIT_ASSERT_MESSAGE(missing, missing.rfind("test.conf:1:20: \"PrivateKeyPath\": ", 0) == 0);
    CPPUNIT_ASSERT_MESSAGE(missing, missing.find("/nonexistent/rtk-key.pem") != std::string::npos);
  }

  void otherBadValues() {
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:17: \"AdminListen\" must be \"none\", \"unix:///path\" or \"tcp://host:port\", got \"http://x\""),
                         errorOf(R"({"AdminListen": "http://x"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:19: \"Log.Level\" must be one of trace, debug, info, warn, error, off; got \"loud\""),
                         errorOf(R"({"Log": {"Level": "loud"}})"));
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:37: \"Plugins.Enabled[1]\": \"Bad\" is not a plugin name (^[a-z0-9._-]{3,32}$)"),
                         errorOf(R"({"Plugins": {"Enabled": ["ok-name", "Bad"]}})"));
    std::string big = "{\"NodeInfo\": {\"x\": \"" + std::string(17000, 'z') + "\"}}";
    CPPUNIT_ASSERT_EQUAL(std::string("test.conf:1:14: \"NodeInfo\" is 17008 bytes as JSON, over the limit of 16384"), errorOf(big));
    auto c = ConfParser::parseText(R"({"IfMTU": 100, "LogLookups": true})", "w.conf");
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), c.warnings.size());
    CPPUNIT_ASSERT_EQUAL(std::string("w.conf:1:2: \"IfMTU\" 100 will be clamped to the range 1280..65535"), c.warnings[0]);
    CPPUNIT_ASSERT(c.warnings[1].rfind("w.conf:1:16: \"LogLookups\" is ignored", 0) == 0);
  }

  void unreadableFile() {
    try {
      ConfParser::parseFile("/nonexistent/ratatoskr.conf");
      CPPUNIT_FAIL("accepted");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::Config);
      CPPUNIT_ASSERT_EQUAL(std::string("/nonexistent/ratatoskr.conf: cannot read the conf file: No such file or directory"),
                           std::string(e.what()));
    }
  }

  void laptopExampleEnablesMulticastEverywhere() {
    auto c = ConfParser::parseFile(RTK_SOURCE_DIR "/conf/examples/laptop.conf");
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), c.node.multicastInterfaces.size());
    const auto& m = c.node.multicastInterfaces[0];
    CPPUNIT_ASSERT_EQUAL(std::string(".*"), m.regex);
    CPPUNIT_ASSERT(m.beacon && m.listen);
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(0), m.port);
    CPPUNIT_ASSERT(m.password.empty());
    CPPUNIT_ASSERT(c.node.peers.empty() && c.node.listen.empty());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfParserTest);

}  // namespace rtk::host
