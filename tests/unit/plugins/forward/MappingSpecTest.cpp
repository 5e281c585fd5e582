#include <cppunit/extensions/HelperMacros.h>

#include "MappingSpec.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::plugins::forward {
namespace {

const char* const kYgg = "200:6fa0:50a6:cdd1:8125:b9fd:f240:14e0";

std::string refusal(const std::string& spec, Direction d) {
  try {
    parseMappingSpec(spec, d, "-flag");
  } catch (const Error& e) {
    CPPUNIT_ASSERT(e.code() == Errc::InvalidArgument);
    return e.what();
  }
  CPPUNIT_FAIL("accepted: " + spec);
  return "";
}

}  // namespace

class MappingSpecTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MappingSpecTest);
  CPPUNIT_TEST(remoteForms);
  CPPUNIT_TEST(localForms);
  CPPUNIT_TEST(fourPartFormUsesItsOwnSecondPair);
  CPPUNIT_TEST(badPorts);
  CPPUNIT_TEST(badAddresses);
  CPPUNIT_TEST(yggdrasilTargets);
  CPPUNIT_TEST_SUITE_END();

 public:
  void remoteForms() {
    // yggstack's examples: remote targets default to ::1.
    auto m = parseMappingSpec("22", Direction::RemoteTcp, "-remote-tcp");
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(22), m.ygg.port);
    CPPUNIT_ASSERT_EQUAL(std::string("[::1]:22"), formatHostEndpoint(m.host));
    CPPUNIT_ASSERT(m.ygg.address.isUnspecified());
    m = parseMappingSpec("2022:22", Direction::RemoteTcp, "-remote-tcp");
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(2022), m.ygg.port);
    CPPUNIT_ASSERT_EQUAL(std::string("[::1]:22"), formatHostEndpoint(m.host));
    m = parseMappingSpec("80:127.0.0.1:8080", Direction::RemoteTcp, "-remote-tcp");
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(80), m.ygg.port);
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:8080"), formatHostEndpoint(m.host));
    m = parseMappingSpec("53:[::1]:5353", Direction::RemoteUdp, "-remote-udp");
    CPPUNIT_ASSERT_EQUAL(std::string("[::1]:5353"), formatHostEndpoint(m.host));
    CPPUNIT_ASSERT(m.direction == Direction::RemoteUdp);
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"127.0.0.1:80:127.0.0.1:8080\": a remote mapping listens on our own Yggdrasil "
                                     "address: leave the listen address out (e.g. 8080:127.0.0.1:80)"),
                         refusal("127.0.0.1:80:127.0.0.1:8080", Direction::RemoteTcp));
  }

  void localForms() {
    std::string y = kYgg;
    auto m = parseMappingSpec("127.0.0.1:2222:[" + y + "]:22", Direction::LocalTcp, "-local-tcp");
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:2222"), formatHostEndpoint(m.host));
    CPPUNIT_ASSERT_EQUAL("[" + y + "]:22", formatEndpoint(m.ygg));
    m = parseMappingSpec("[::1]:8080:[" + y + "]:8080", Direction::LocalTcp, "-local-tcp");
    CPPUNIT_ASSERT_EQUAL(std::string("[::1]:8080"), formatHostEndpoint(m.host));
    // No listen address: loopback here (yggstack: all interfaces).
    m = parseMappingSpec("22:[" + y + "]:22", Direction::LocalTcp, "-local-tcp");
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:22"), formatHostEndpoint(m.host));
    // A bare IPv6 listen address, as yggstack's token walk accepts.
    m = parseMappingSpec("::1:5353:[" + y + "]:53", Direction::LocalUdp, "-local-udp");
    CPPUNIT_ASSERT_EQUAL(std::string("[::1]:5353"), formatHostEndpoint(m.host));
    CPPUNIT_ASSERT_EQUAL("[" + y + "]:53", formatEndpoint(m.ygg));
    m = parseMappingSpec("[::]:8080:[300:1::5]:80", Direction::LocalTcp, "-local-tcp");
    CPPUNIT_ASSERT_EQUAL(std::string("[::]:8080"), formatHostEndpoint(m.host));
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"22\": the Yggdrasil destination is missing (want [listen-ip:]port:[200:…]:port)"),
                         refusal("22", Direction::LocalTcp));
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"22:2222\": the Yggdrasil destination is missing (want [listen-ip:]port:[200:…]:port)"),
                         refusal("22:2222", Direction::LocalTcp));
  }

  void fourPartFormUsesItsOwnSecondPair() {
    // yggstack re-reads A:P1 for the second pair; here 127.0.0.2:9000 and [200::1]:22 stay distinct.
    auto m = parseMappingSpec("127.0.0.2:9000:[200::1]:22", Direction::LocalTcp, "-local-tcp");
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.2:9000"), formatHostEndpoint(m.host));
    CPPUNIT_ASSERT_EQUAL(std::string("[200::1]:22"), formatEndpoint(m.ygg));
    m = parseMappingSpec("80:10.1.2.3:8080", Direction::RemoteTcp, "-remote-tcp");
    CPPUNIT_ASSERT_EQUAL(std::string("10.1.2.3:8080"), formatHostEndpoint(m.host));
  }

  void badPorts() {
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"0\": port \"0\" must not be zero"), refusal("0", Direction::RemoteTcp));
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"80:0\": port \"0\" must not be zero"), refusal("80:0", Direction::RemoteTcp));
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"70000\": port \"70000\" is above 65535"), refusal("70000", Direction::RemoteUdp));
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"http\": port \"http\" is not a decimal number"), refusal("http", Direction::RemoteTcp));
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"80:\": port \"\" is empty"), refusal("80:", Direction::RemoteTcp));
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"-1\": port \"-1\" is not a decimal number"), refusal("-1", Direction::RemoteTcp));
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"\": empty mapping"), refusal("", Direction::RemoteTcp));
  }

  void badAddresses() {
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"2222:10.0.0.1:22\": the Yggdrasil destination 10.0.0.1 is IPv4; Yggdrasil addresses are "
                                     "IPv6 (200::/7)"),
                         refusal("2222:10.0.0.1:22", Direction::LocalTcp));
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"2222:[fd00::1]:22\": the destination fd00::1 is not a Yggdrasil address (200::/7)"),
                         refusal("2222:[fd00::1]:22", Direction::LocalTcp));
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"80:example.com:8080\": the host address \"example.com\" is not an IP address literal"),
                         refusal("80:example.com:8080", Direction::RemoteTcp));
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"2222:200::1:22\": port \"\" is empty (IPv6 addresses go in brackets, e.g. [200::1]:22)"),
                         refusal("2222:200::1:22", Direction::LocalTcp));
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"2222:[200::1:22\": '[' is never closed"), refusal("2222:[200::1:22", Direction::LocalTcp));
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"2222:200::1]:22\": ']' without '['"), refusal("2222:200::1]:22", Direction::LocalTcp));
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"[[::1]]:2222:[200::1]:22\": '[' inside brackets"),
                         refusal("[[::1]]:2222:[200::1]:22", Direction::LocalTcp));
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"[1.2.3.4]:2222:[200::1]:22\": the listen address \"[1.2.3.4]\" is not an IP address literal"),
                         refusal("[1.2.3.4]:2222:[200::1]:22", Direction::LocalTcp));
    CPPUNIT_ASSERT_EQUAL(std::string("-flag \"[fe80::1%eth0]:2222:[200::1]:22\": the listen address \"[fe80::1%eth0]\" is not an IP "
                                     "address literal"),
                         refusal("[fe80::1%eth0]:2222:[200::1]:22", Direction::LocalTcp));
  }

  void yggdrasilTargets() {
    CPPUNIT_ASSERT_EQUAL(std::string("[200::1]:22"), formatEndpoint(parseYggdrasilTarget("[200::1]:22", "Mapped")));
    auto refuse = [](const std::string& text) -> std::string {
      try {
        parseYggdrasilTarget(text, "LocalTCP[0].Mapped");
      } catch (const Error& e) {
        return e.what();
      }
      return "accepted";
    };
    CPPUNIT_ASSERT_EQUAL(std::string("LocalTCP[0].Mapped: address \"10.0.0.1:22\": IPv4 is not supported, the network is IPv6 only"),
                         refuse("10.0.0.1:22"));
    CPPUNIT_ASSERT_EQUAL(std::string("LocalTCP[0].Mapped: fd00::1 is not a Yggdrasil address (200::/7)"), refuse("[fd00::1]:22"));
    CPPUNIT_ASSERT_EQUAL(std::string("LocalTCP[0].Mapped: port must not be zero"), refuse("[200::1]:0"));
    CPPUNIT_ASSERT_EQUAL(std::string("LocalTCP[0].Mapped: \":22\" has no address (want [200:…]:port)"), refuse(":22"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MappingSpecTest);

}  // namespace rtk::plugins::forward
