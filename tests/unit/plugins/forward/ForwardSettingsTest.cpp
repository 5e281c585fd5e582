#include <cppunit/extensions/HelperMacros.h>

#include "ForwardSchema.hpp"
#include "config/ConfParser.hpp"
#include "ForwardSettings.hpp"
#include "ratatoskr/error.hpp"
#include "runtime/ConfigSchema.hpp"

namespace rtk::plugins::forward {
namespace {

// What the plugin gets: the conf's Modules.forward after the host applied the schema.
ForwardSettings settingsOf(const std::string& json) {
  host::ConfigSchema schema(kForwardSchema);
  return ForwardSettings::fromJson(schema.apply(json::Value::parse(json), "Modules.forward"));
}

std::string refusal(const std::string& json) {
  try {
    settingsOf(json);
  } catch (const Error& e) {
    return e.what();
  }
  CPPUNIT_FAIL("accepted: " + json);
  return "";
}

const std::string kKey = "c82fd7ac99173f6d230106dff58fa66fade4e0415f590370cdc938f4d074c01e";

}  // namespace

class ForwardSettingsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ForwardSettingsTest);
  CPPUNIT_TEST(defaultsAreGos);
  CPPUNIT_TEST(objectsAndSpecs);
  CPPUNIT_TEST(errorsNameTheSetting);
  CPPUNIT_TEST(schemaRefusesWrongTypes);
  CPPUNIT_TEST(shippedExampleIsValid);
  CPPUNIT_TEST_SUITE_END();

 public:
  void defaultsAreGos() {
    auto s = settingsOf("{}");
    CPPUNIT_ASSERT(s.mappings.empty());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(10'000), static_cast<std::int64_t>(s.dialTimeout.count()));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(300'000), static_cast<std::int64_t>(s.tcpIdleTimeout.count()));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(30'000), static_cast<std::int64_t>(s.tcpCloseTimeout.count()));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(120'000), static_cast<std::int64_t>(s.udpTimeout.count()));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(5'000), static_cast<std::int64_t>(s.udpWriteTimeout.count()));
    CPPUNIT_ASSERT_EQUAL(std::size_t(256), s.maxTcpConnections);
    CPPUNIT_ASSERT_EQUAL(std::size_t(256), s.maxUdpSessions);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), s.udpMaxPacketSize);
    auto t = settingsOf(R"({"DialTimeoutSeconds": 0, "TCPIdleTimeoutSeconds": 0.25, "UDPTimeoutSeconds": 1.5})");
    CPPUNIT_ASSERT_EQUAL(std::int64_t(0), static_cast<std::int64_t>(t.dialTimeout.count()));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(250), static_cast<std::int64_t>(t.tcpIdleTimeout.count()));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1500), static_cast<std::int64_t>(t.udpTimeout.count()));
  }

  void objectsAndSpecs() {
    auto s = settingsOf(R"({
      "LocalTCP": ["127.0.0.1:2222:[200::1]:22", {"Listen": "[::1]:8080", "Mapped": "[200::2]:80"}],
      "RemoteTCP": [{"Listen": 8080, "Mapped": "127.0.0.1:80", "AllowedPublicKeys": [")" + kKey + R"("],
                     "AllowedPrefixes": ["300:1::/64"], "ProxyProtocol": true}, "2022:22"],
      "LocalUDP": [{"Listen": "127.0.0.1:5353", "Mapped": "[200::1]:53"}],
      "RemoteUDP": [{"Listen": ":53", "Mapped": "[::1]:5353"}]})");
    CPPUNIT_ASSERT_EQUAL(std::size_t(6), s.mappings.size());
    CPPUNIT_ASSERT_EQUAL(std::string("LocalTCP 127.0.0.1:2222 -> [200::1]:22"), s.mappings[0].describe());
    CPPUNIT_ASSERT_EQUAL(std::string("LocalTCP [::1]:8080 -> [200::2]:80"), s.mappings[1].describe());
    CPPUNIT_ASSERT_EQUAL(std::string("RemoteTCP :8080 -> 127.0.0.1:80"), s.mappings[2].describe());
    CPPUNIT_ASSERT(s.mappings[2].proxyProtocol);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), s.mappings[2].allowed.size());
    CPPUNIT_ASSERT(s.mappings[2].allowed.allows(*parseAddress("200:6fa0:50a6:cdd1:8125:b9fd:f240:14e0")));
    CPPUNIT_ASSERT(s.mappings[2].allowed.allows(*parseAddress("300:1::9")));
    CPPUNIT_ASSERT(!s.mappings[2].allowed.allows(*parseAddress("200::9")));
    CPPUNIT_ASSERT_EQUAL(std::string("RemoteTCP :2022 -> [::1]:22"), s.mappings[3].describe());
    CPPUNIT_ASSERT(!s.mappings[3].proxyProtocol && s.mappings[3].allowed.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("LocalUDP 127.0.0.1:5353 -> [200::1]:53"), s.mappings[4].describe());
    CPPUNIT_ASSERT_EQUAL(std::string("RemoteUDP :53 -> [::1]:5353"), s.mappings[5].describe());
  }

  void errorsNameTheSetting() {
    CPPUNIT_ASSERT_EQUAL(std::string("LocalTCP[0].Listen: \"2222\": missing the port (want ip:port)"),
                         refusal(R"({"LocalTCP": [{"Listen": "2222", "Mapped": "[200::1]:22"}]})"));
    CPPUNIT_ASSERT_EQUAL(std::string("LocalTCP[0].Listen: \":2222\": missing the IP address (want ip:port, e.g. 127.0.0.1:8080)"),
                         refusal(R"({"LocalTCP": [{"Listen": ":2222", "Mapped": "[200::1]:22"}]})"));
    CPPUNIT_ASSERT_EQUAL(std::string("LocalTCP[0].Mapped: address \"10.1.1.1:22\": IPv4 is not supported, the network is IPv6 only"),
                         refusal(R"({"LocalTCP": [{"Listen": "127.0.0.1:2222", "Mapped": "10.1.1.1:22"}]})"));
    CPPUNIT_ASSERT_EQUAL(std::string("RemoteTCP[0].Listen: the Yggdrasil port \"0\" must not be zero"),
                         refusal(R"({"RemoteTCP": [{"Listen": 0, "Mapped": "127.0.0.1:80"}]})"));
    CPPUNIT_ASSERT_EQUAL(std::string("RemoteTCP[0].AllowedPublicKeys[0]: \"xyz\" is not a public key (64 hex digits, got 3 characters)"),
                         refusal(R"({"RemoteTCP": [{"Listen": 80, "Mapped": "127.0.0.1:80", "AllowedPublicKeys": ["xyz"]}]})"));
    CPPUNIT_ASSERT_EQUAL(std::string("RemoteUDP[0].ProxyProtocol: only RemoteTCP mappings send a PROXY header"),
                         refusal(R"({"RemoteUDP": [{"Listen": 53, "Mapped": "127.0.0.1:53", "ProxyProtocol": true}]})"));
    CPPUNIT_ASSERT_EQUAL(std::string("LocalTCP[0]: allow lists apply to RemoteTCP and RemoteUDP (who calls us), not to LocalTCP"),
                         refusal(R"({"LocalTCP": [{"Listen": "127.0.0.1:1", "Mapped": "[200::1]:1", "AllowedPrefixes": ["200::/8"]}]})"));
    CPPUNIT_ASSERT_EQUAL(std::string("RemoteTCP[1]: Yggdrasil TCP port 80 is already forwarded by another mapping"),
                         refusal(R"({"RemoteTCP": ["80:127.0.0.1:80", "80:127.0.0.1:81"], "RemoteUDP": ["80:127.0.0.1:80"]})"));
    CPPUNIT_ASSERT_EQUAL(std::string("LocalUDP[1]: 127.0.0.1:53 is already listened on by another mapping"),
                         refusal(R"({"LocalUDP": ["127.0.0.1:53:[200::1]:53", "127.0.0.1:53:[200::2]:53"]})"));
    CPPUNIT_ASSERT_EQUAL(std::string("LocalTCP[0] \"2222:[200::1]\": port \"[200::1]\" is not a decimal number"),
                         refusal(R"({"LocalTCP": ["2222:[200::1]"]})"));
  }

  void schemaRefusesWrongTypes() {
    auto schemaError = [](const std::string& json) -> std::string {
      try {
        settingsOf(json);
      } catch (const Error& e) {
        CPPUNIT_ASSERT(e.code() == Errc::Config);
        return e.what();
      }
      return "accepted";
    };
    CPPUNIT_ASSERT(schemaError(R"({"LocalTCPs": []})").find("unknown key \"LocalTCPs\"") != std::string::npos);
    CPPUNIT_ASSERT(schemaError(R"({"MaxTCPConnections": 0})").find("below the minimum 1") != std::string::npos);
    CPPUNIT_ASSERT(schemaError(R"({"MaxUDPSessions": 5000})").find("above the maximum 4096") != std::string::npos);
    CPPUNIT_ASSERT(schemaError(R"({"LocalTCP": [{"Listen": "127.0.0.1:1"}]})").find("missing required key \"Mapped\"") !=
                   std::string::npos);
    CPPUNIT_ASSERT(schemaError(R"({"RemoteTCP": [{"Listen": 80, "Mapped": "127.0.0.1:80", "Proxy": true}]})")
                       .find("unknown key \"Proxy\"") != std::string::npos);
    CPPUNIT_ASSERT(schemaError(R"({"LocalUDP": [5353]})").find("expected string or object") != std::string::npos);
  }

  void shippedExampleIsValid() {
    auto conf = host::ConfParser::parseFile(std::string(RTK_SOURCE_DIR) + "/conf/examples/forward.conf");
    CPPUNIT_ASSERT((conf.plugins.enabled == std::vector<std::string>{"forward"}));
    host::ConfigSchema schema(kForwardSchema);
    auto s = ForwardSettings::fromJson(schema.apply(conf.modules.at("forward"), "Modules.forward"));
    CPPUNIT_ASSERT_EQUAL(std::size_t(5), s.mappings.size());
    CPPUNIT_ASSERT(s.mappings[1].proxyProtocol && !s.mappings[1].allowed.empty());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ForwardSettingsTest);

}  // namespace rtk::plugins::forward
