#include <cppunit/extensions/HelperMacros.h>

#include "core/link/GoDuration.hpp"
#include "core/link/PeerUri.hpp"
#include "ratatoskr/error.hpp"

using namespace std::chrono_literals;
using rtk::Errc;
using rtk::core::link::LinkScheme;
using rtk::core::link::PeerUri;

namespace {

const std::string kKeyA = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";
const std::string kKeyB = "8a7c3e5b4f1d2e6a9b0c7d8e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a";

// Asserts that parsing fails with `code` and a message holding `needle`.
void expectError(const std::string& uri, Errc code, const std::string& needle,
                 PeerUri::Purpose purpose = PeerUri::Purpose::Peer) {
  try {
    PeerUri::parse(uri, purpose);
  } catch (const rtk::Error& e) {
    std::string what = e.what();
    CPPUNIT_ASSERT_MESSAGE(uri + ": code " + rtk::errcName(e.code()), e.code() == code);
    CPPUNIT_ASSERT_MESSAGE(uri + ": message \"" + what + "\" lacks \"" + needle + "\"",
                           what.find(needle) != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(what, what.rfind("links: ", 0) == 0);
    CPPUNIT_ASSERT_MESSAGE("password leaked: " + what, what.find("secret") == std::string::npos);
    return;
  }
  CPPUNIT_FAIL(uri + " parsed but should fail with \"" + needle + "\"");
}

}  // namespace

class PeerUriTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PeerUriTest);
  CPPUNIT_TEST(tcpAndTlsWithHostsOfEveryKind);
  CPPUNIT_TEST(schemeIsCaseInsensitive);
  CPPUNIT_TEST(unixTakesThePath);
  CPPUNIT_TEST(wsAndWssKeepThePath);
  CPPUNIT_TEST(socksWithAndWithoutCredentials);
  CPPUNIT_TEST(socksTargetErrors);
  CPPUNIT_TEST(quicIsRefusedAsNotSupported);
  CPPUNIT_TEST(unknownSchemeAndMalformedUris);
  CPPUNIT_TEST(portIsRequiredAndChecked);
  CPPUNIT_TEST(pinnedKeysRepeatable);
  CPPUNIT_TEST(pinnedKeyErrors);
  CPPUNIT_TEST(priorityRange);
  CPPUNIT_TEST(passwordLimit);
  CPPUNIT_TEST(sniRules);
  CPPUNIT_TEST(maxBackoffRules);
  CPPUNIT_TEST(identityDropsQueryAndRedactsProxyPassword);
  CPPUNIT_TEST(listenerRules);
  CPPUNIT_TEST(withRemoteBuildsInboundIdentity);
  CPPUNIT_TEST(goDurationSyntax);
  CPPUNIT_TEST_SUITE_END();

 public:
  void tcpAndTlsWithHostsOfEveryKind() {
    auto u = PeerUri::parse("tcp://192.0.2.1:1234");
    CPPUNIT_ASSERT(u.scheme() == LinkScheme::Tcp);
    CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.1"), u.host());
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(1234), u.port());
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), u.options().priority);
    CPPUNIT_ASSERT(u.options().pinnedKeys.empty());
    CPPUNIT_ASSERT(u.options().password.empty());
    CPPUNIT_ASSERT(u.options().maxBackoff == std::chrono::seconds(4096));

    auto v6 = PeerUri::parse("tls://[2001:db8::1]:443");
    CPPUNIT_ASSERT(v6.scheme() == LinkScheme::Tls);
    CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::1"), v6.host());
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(443), v6.port());

    auto zone = PeerUri::parse("tcp://[fe80::1%25eth0]:9000");
    CPPUNIT_ASSERT_EQUAL(std::string("fe80::1%eth0"), zone.host());

    auto name = PeerUri::parse("tls://peer.example.org:8443");
    CPPUNIT_ASSERT_EQUAL(std::string("peer.example.org"), name.host());
  }

  void schemeIsCaseInsensitive() {
    auto u = PeerUri::parse("TCP://Host.Example:1");
    CPPUNIT_ASSERT(u.scheme() == LinkScheme::Tcp);
    CPPUNIT_ASSERT_EQUAL(std::string("tcp://Host.Example:1"), u.identity());
    CPPUNIT_ASSERT_EQUAL(std::string("Host.Example"), u.host());
  }

  void unixTakesThePath() {
    auto u = PeerUri::parse("unix:///run/ygg%20peer.sock?priority=2");
    CPPUNIT_ASSERT(u.scheme() == LinkScheme::Unix);
    CPPUNIT_ASSERT_EQUAL(std::string("/run/ygg peer.sock"), u.path());
    CPPUNIT_ASSERT(u.options().tlsSni.empty());
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(2), u.options().priority);
    expectError("unix://", Errc::InvalidArgument, "unix socket path missing");
  }

  void wsAndWssKeepThePath() {
    auto ws = PeerUri::parse("ws://example.net:80/ygg/ws?password=secret");
    CPPUNIT_ASSERT(ws.scheme() == LinkScheme::Ws);
    CPPUNIT_ASSERT_EQUAL(std::string("/ygg/ws"), ws.path());
    CPPUNIT_ASSERT_EQUAL(std::string("ws://example.net:80/ygg/ws"), ws.identity());
    auto wss = PeerUri::parse("wss://example.net:443");
    CPPUNIT_ASSERT(wss.scheme() == LinkScheme::Wss);
    CPPUNIT_ASSERT_EQUAL(std::string("example.net"), wss.options().tlsSni);
  }

  void socksWithAndWithoutCredentials() {
    auto plain = PeerUri::parse("socks://127.0.0.1:9050/peer.example:1234");
    CPPUNIT_ASSERT(plain.scheme() == LinkScheme::Socks);
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), plain.host());
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(9050), plain.port());
    CPPUNIT_ASSERT_EQUAL(std::string("peer.example"), plain.targetHost());
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(1234), plain.targetPort());
    CPPUNIT_ASSERT(plain.proxyUser().empty());

    auto auth = PeerUri::parse("sockstls://al%40ice:s%3Acret@proxy.example:1080/[2001:db8::2]:443/ignored");
    CPPUNIT_ASSERT(auth.scheme() == LinkScheme::SocksTls);
    CPPUNIT_ASSERT_EQUAL(std::string("al@ice"), auth.proxyUser());
    CPPUNIT_ASSERT_EQUAL(std::string("s:cret"), auth.proxyPassword());
    CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::2"), auth.targetHost());
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(443), auth.targetPort());
    // The target is an IP literal and so is no SNI; the proxy's name is not used.
    CPPUNIT_ASSERT(auth.options().tlsSni.empty());
    auto named = PeerUri::parse("sockstls://proxy.example:1080/peer.example:443");
    CPPUNIT_ASSERT_EQUAL(std::string("peer.example"), named.options().tlsSni);
  }

  void socksTargetErrors() {
    expectError("socks://127.0.0.1:9050", Errc::InvalidArgument, "SOCKS target missing");
    expectError("socks://127.0.0.1:9050/", Errc::InvalidArgument, "SOCKS target missing");
    expectError("socks://127.0.0.1:9050/peer.example", Errc::InvalidArgument, "SOCKS target must be host:port");
    expectError("socks://127.0.0.1:9050/peer.example:0", Errc::InvalidArgument, "SOCKS target must be host:port");
  }

  void quicIsRefusedAsNotSupported() {
    expectError("quic://192.0.2.1:1234", Errc::NotSupported, "quic is not supported yet");
    expectError("QUIC://192.0.2.1:1234?password=secret", Errc::NotSupported, "quic is not supported yet");
  }

  void unknownSchemeAndMalformedUris() {
    expectError("http://192.0.2.1:80", Errc::InvalidArgument, "link schema unknown");
    expectError("192.0.2.1:80", Errc::InvalidArgument, "invalid URI");
    expectError("", Errc::InvalidArgument, "invalid URI");
    expectError("tcp:192.0.2.1:80", Errc::InvalidArgument, "expected \"//\"");
    expectError("tcp://[::1:80", Errc::InvalidArgument, "missing ']'");
    expectError("tcp://::1:80", Errc::InvalidArgument, "too many colons");
    expectError("tcp://ho st:80", Errc::InvalidArgument, "invalid character in host");
    expectError("tcp://h:80?password=%zz", Errc::InvalidArgument, "invalid escape in query");
    expectError("1tcp://h:80", Errc::InvalidArgument, "invalid character in scheme");
  }

  void portIsRequiredAndChecked() {
    expectError("tcp://192.0.2.1", Errc::InvalidArgument, "missing port in address");
    expectError("tcp://192.0.2.1:", Errc::InvalidArgument, "missing port in address");
    expectError("ws://example.net", Errc::InvalidArgument, "missing port in address");
    expectError("tcp://192.0.2.1:65536", Errc::InvalidArgument, "out of range");
    expectError("tcp://192.0.2.1:+1", Errc::InvalidArgument, "invalid port");
    expectError("tcp://192.0.2.1:0", Errc::InvalidArgument, "port 0");
    expectError("tcp://:1234", Errc::InvalidArgument, "missing host");
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(65535), PeerUri::parse("tcp://h:65535").port());
  }

  void pinnedKeysRepeatable() {
    auto u = PeerUri::parse("tls://h:1?key=" + kKeyA + "&key=" + kKeyB + "&key=" + kKeyA);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), u.options().pinnedKeys.size());
    CPPUNIT_ASSERT(u.options().keyIsPinned(*rtk::PublicKey::fromHex(kKeyA)));
    CPPUNIT_ASSERT(u.options().keyIsPinned(*rtk::PublicKey::fromHex(kKeyB)));
    CPPUNIT_ASSERT(!u.options().keyIsPinned(rtk::PublicKey{}));
    CPPUNIT_ASSERT(PeerUri::parse("tls://h:1").options().keyIsPinned(rtk::PublicKey{}));
  }

  void pinnedKeyErrors() {
    expectError("tcp://h:1?key=zz", Errc::InvalidArgument, "pinned public key is invalid");
    expectError("tcp://h:1?key=" + kKeyA.substr(2), Errc::InvalidArgument, "pinned public key is invalid");
    expectError("tcp://h:1?key=" + kKeyA + "00", Errc::InvalidArgument, "pinned public key is invalid");
    expectError("tcp://h:1?key=" + kKeyA + "&key=", Errc::InvalidArgument, "pinned public key is invalid");
  }

  void priorityRange() {
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), PeerUri::parse("tcp://h:1?priority=0").options().priority);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(255), PeerUri::parse("tcp://h:1?priority=255").options().priority);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(7), PeerUri::parse("tcp://h:1?priority=007").options().priority);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), PeerUri::parse("tcp://h:1?priority=").options().priority);
    // The first value counts, as Go's Query().Get.
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(3), PeerUri::parse("tcp://h:1?priority=3&priority=x").options().priority);
    expectError("tcp://h:1?priority=256", Errc::InvalidArgument, "priority value is invalid");
    expectError("tcp://h:1?priority=-1", Errc::InvalidArgument, "priority value is invalid");
    expectError("tcp://h:1?priority=1.5", Errc::InvalidArgument, "priority value is invalid");
    expectError("tcp://h:1?priority=+1", Errc::InvalidArgument, "priority value is invalid");
    expectError("tcp://h:1?priority=99999999999999999999", Errc::InvalidArgument, "priority value is invalid");
  }

  void passwordLimit() {
    std::string max(64, 'p');
    CPPUNIT_ASSERT_EQUAL(max, PeerUri::parse("tcp://h:1?password=" + max).options().password);
    CPPUNIT_ASSERT_EQUAL(std::string("a b+c"), PeerUri::parse("tcp://h:1?password=a+b%2Bc").options().password);
    expectError("tcp://h:1?password=" + max + "p", Errc::InvalidArgument, "invalid password supplied");
  }

  void sniRules() {
    CPPUNIT_ASSERT_EQUAL(std::string("front.example"),
                         PeerUri::parse("tls://198.51.100.7:443?sni=front.example").options().tlsSni);
    // An IP literal in sni= is ignored and the host is used if it is a name.
    CPPUNIT_ASSERT_EQUAL(std::string("peer.example"),
                         PeerUri::parse("tls://peer.example:443?sni=198.51.100.7").options().tlsSni);
    CPPUNIT_ASSERT(PeerUri::parse("tls://198.51.100.7:443?sni=2001:db8::1").options().tlsSni.empty());
    CPPUNIT_ASSERT(PeerUri::parse("tls://[2001:db8::1]:443").options().tlsSni.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("peer.example"), PeerUri::parse("tls://peer.example:443").options().tlsSni);
  }

  void maxBackoffRules() {
    CPPUNIT_ASSERT(PeerUri::parse("tcp://h:1?maxbackoff=30s").options().maxBackoff == 30s);
    CPPUNIT_ASSERT(PeerUri::parse("tcp://h:1?maxbackoff=1h30m").options().maxBackoff == 90min);
    CPPUNIT_ASSERT(PeerUri::parse("tcp://h:1?maxbackoff=0.5m").options().maxBackoff == 30s);
    expectError("tcp://h:1?maxbackoff=29s", Errc::InvalidArgument, "max backoff duration invalid");
    expectError("tcp://h:1?maxbackoff=5", Errc::InvalidArgument, "max backoff duration invalid");
    expectError("tcp://h:1?maxbackoff=forever", Errc::InvalidArgument, "max backoff duration invalid");
    expectError("tcp://h:1?maxbackoff=-1h", Errc::InvalidArgument, "max backoff duration invalid");
  }

  void identityDropsQueryAndRedactsProxyPassword() {
    auto u = PeerUri::parse("tls://peer.example:443/?key=" + kKeyA + "&password=secret#frag");
    CPPUNIT_ASSERT_EQUAL(std::string("tls://peer.example:443/"), u.identity());
    auto s = PeerUri::parse("socks://user:secret@127.0.0.1:1080/peer.example:1234?priority=1");
    CPPUNIT_ASSERT_EQUAL(std::string("socks://user:secret@127.0.0.1:1080/peer.example:1234"), s.identity());
    CPPUNIT_ASSERT_EQUAL(std::string("socks://user:xxxxx@127.0.0.1:1080/peer.example:1234"), s.redacted());
    // Errors name the URI without its query and without the proxy password.
    expectError("socks://user:secret@127.0.0.1:1080/x:1?priority=300", Errc::InvalidArgument,
                "socks://user:xxxxx@127.0.0.1:1080/x:1: priority value is invalid");
  }

  void listenerRules() {
    auto any = PeerUri::parse("tcp://[::]:0", PeerUri::Purpose::Listen);
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(0), any.port());
    CPPUNIT_ASSERT_EQUAL(std::string("::"), any.host());
    auto empty = PeerUri::parse("tls://:9001?priority=4&password=pw", PeerUri::Purpose::Listen);
    CPPUNIT_ASSERT(empty.host().empty());
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(4), empty.options().priority);
    CPPUNIT_ASSERT_EQUAL(std::string("pw"), empty.options().password);
    // Peer-only options are ignored on listeners, as link.go's listen does.
    auto ignored = PeerUri::parse("tcp://[::]:0?key=zz&maxbackoff=1s", PeerUri::Purpose::Listen);
    CPPUNIT_ASSERT(ignored.options().pinnedKeys.empty());
    expectError("socks://127.0.0.1:1080/x:1", Errc::NotSupported, "SOCKS listener not supported", PeerUri::Purpose::Listen);
    expectError("sockstls://127.0.0.1:1080/x:1", Errc::NotSupported, "SOCKS listener not supported",
                PeerUri::Purpose::Listen);
    expectError("quic://[::]:0", Errc::NotSupported, "quic is not supported yet", PeerUri::Purpose::Listen);
    expectError("tcp://[::]", Errc::InvalidArgument, "missing port", PeerUri::Purpose::Listen);
    expectError("tcp://[::]:0?priority=x", Errc::InvalidArgument, "priority value is invalid", PeerUri::Purpose::Listen);
  }

  void withRemoteBuildsInboundIdentity() {
    auto l = PeerUri::parse("tls://[::]:0?priority=9&password=pw", PeerUri::Purpose::Listen);
    auto in = l.withRemote("[2001:db8::5]:40000");
    CPPUNIT_ASSERT_EQUAL(std::string("tls://[2001:db8::5]:40000"), in.identity());
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(9), in.options().priority);
    CPPUNIT_ASSERT_EQUAL(std::string("pw"), in.options().password);
    auto u = PeerUri::parse("unix:///tmp/ygg.sock", PeerUri::Purpose::Listen).withRemote("");
    CPPUNIT_ASSERT_EQUAL(std::string("unix:///tmp/ygg.sock"), u.identity());
  }

  void goDurationSyntax() {
    using rtk::core::link::parseGoDuration;
    CPPUNIT_ASSERT(parseGoDuration("0") == 0ns);
    CPPUNIT_ASSERT(parseGoDuration("300ms") == 300ms);
    CPPUNIT_ASSERT(parseGoDuration("1.5h") == 90min);
    CPPUNIT_ASSERT(parseGoDuration("2h45m30.5s") == 2h + 45min + 30500ms);
    CPPUNIT_ASSERT(parseGoDuration("1us") == 1us);
    CPPUNIT_ASSERT(parseGoDuration("1\xc2\xb5s") == 1us);
    CPPUNIT_ASSERT(parseGoDuration("1\xce\xbcs") == 1us);
    CPPUNIT_ASSERT(parseGoDuration("-1m") == -1min);
    CPPUNIT_ASSERT(parseGoDuration("+.5s") == 500ms);
    CPPUNIT_ASSERT(parseGoDuration("2562047h47m16.854775807s") == std::chrono::nanoseconds(INT64_MAX));
    CPPUNIT_ASSERT(!parseGoDuration("2562047h47m16.854775808s"));
    CPPUNIT_ASSERT(!parseGoDuration(""));
    CPPUNIT_ASSERT(!parseGoDuration("1"));
    CPPUNIT_ASSERT(!parseGoDuration("1d"));
    CPPUNIT_ASSERT(!parseGoDuration("."));
    CPPUNIT_ASSERT(!parseGoDuration(".s"));
    CPPUNIT_ASSERT(!parseGoDuration("1s2"));
    CPPUNIT_ASSERT(!parseGoDuration("--1s"));
    CPPUNIT_ASSERT(!parseGoDuration("99999999999999999999h"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PeerUriTest);
