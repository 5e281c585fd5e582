#include <cppunit/extensions/HelperMacros.h>
#include <arpa/inet.h>
#include <poll.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "core/link/FrameReader.hpp"
#include "core/link/VersionMetadata.hpp"
#include "ratatoskr/error.hpp"
#include "support/SocksProxy.hpp"
#include "support/TestNode.hpp"

using namespace std::chrono_literals;
using rtk::Errc;
using rtk::core::Bytes;
using rtk::core::ByteView;
using rtk::core::crypto::SigningKey;
using rtk::core::link::FrameReader;
using rtk::core::link::LinkTiming;
using rtk::core::link::VersionMetadata;
using rtk::test::FakeEndpoint;
using rtk::test::RawListener;
using rtk::test::TestNode;
using rtk::test::waitUntil;

namespace {

constexpr auto kWait = 10s;

Bytes trafficFrame(std::size_t payloadBytes, std::uint8_t seed) {
  Bytes f(payloadBytes + 1);
  f[0] = 9;  // Traffic
  for (std::size_t i = 1; i < f.size(); ++i) f[i] = std::uint8_t(seed + i * 13);
  return f;
}

void expectCode(Errc code, const std::string& needle, const std::function<void()>& call) {
  try {
    call();
  } catch (const rtk::Error& e) {
    CPPUNIT_ASSERT_MESSAGE(std::string(e.what()) + " is " + rtk::errcName(e.code()), e.code() == code);
    CPPUNIT_ASSERT_MESSAGE(std::string(e.what()) + " lacks " + needle, std::string(e.what()).find(needle) != std::string::npos);
    return;
  }
  CPPUNIT_FAIL("expected an error with " + needle);
}

// Brings up a link from `dialer` to `listener`, checks frames both ways
// (one large enough to need many socket writes), and tears it down.
void exchangeOver(TestNode& listener, TestNode& dialer, const std::string& listenUri, const std::string& scheme) {
  auto info = listener.links->listen(listenUri);
  std::string target = info.uri;
  dialer.links->addPeer(target + (target.find('?') == std::string::npos ? "?priority=3" : "&priority=3"));
  auto atListener = listener.waitPeer(dialer.publicKey());
  auto atDialer = dialer.waitPeer(listener.publicKey());
  CPPUNIT_ASSERT_MESSAGE(scheme + " link did not come up:\n" + dialer.logs.dump() + listener.logs.dump(),
                         atListener && atDialer);
  CPPUNIT_ASSERT_EQUAL(std::uint8_t(3), atListener->priority());  // the higher of both sides
  CPPUNIT_ASSERT_EQUAL(std::uint8_t(3), atDialer->priority());

  Bytes small = trafficFrame(20, 1), big = trafficFrame(120000, 2), back = trafficFrame(3000, 3);
  atDialer->send(small);
  atDialer->send(big);
  atListener->send(back);
  CPPUNIT_ASSERT_MESSAGE(scheme, waitUntil([&] { return atListener->hasFrame(small) && atListener->hasFrame(big); }, kWait));
  CPPUNIT_ASSERT_MESSAGE(scheme, waitUntil([&] { return atDialer->hasFrame(back); }, kWait));

  auto out = dialer.peer(rtk::core::link::PeerUri::parse(target).identity());
  CPPUNIT_ASSERT_MESSAGE(scheme, out && out->up && !out->inbound);
  CPPUNIT_ASSERT(out->key == listener.publicKey());
  CPPUNIT_ASSERT(out->txBytes > 120000);
  CPPUNIT_ASSERT_EQUAL(std::uint64_t(42), out->cost);  // from the router's PeerEndpointInfo
  CPPUNIT_ASSERT(out->latency == 7ms);
  CPPUNIT_ASSERT(out->port != 0);
  auto in = listener.peers();
  CPPUNIT_ASSERT_EQUAL(std::size_t(1), in.size());
  CPPUNIT_ASSERT_MESSAGE(in[0].uri, in[0].up && in[0].inbound && in[0].key == dialer.publicKey());
  CPPUNIT_ASSERT_MESSAGE(in[0].uri, in[0].uri.rfind(scheme + "://", 0) == 0);
  CPPUNIT_ASSERT(in[0].rxBytes > 120000);

  dialer.links->removePeer(target);
  CPPUNIT_ASSERT(waitUntil([&] { return listener.registry.active().empty() && dialer.registry.active().empty(); }, kWait));
  CPPUNIT_ASSERT(waitUntil([&] { return listener.peers().empty() && dialer.peers().empty(); }, kWait));
  listener.links->closeListener(info.id);
}

// b dials a over tcp://; returns both routers' ends of the link once it is up.
std::pair<std::shared_ptr<FakeEndpoint>, std::shared_ptr<FakeEndpoint>> linkOverTcp(TestNode& a, TestNode& b) {
  auto info = a.links->listen("tcp://127.0.0.1:0");
  b.links->addPeer(info.uri);
  auto atA = a.waitPeer(b.publicKey());
  auto atB = b.waitPeer(a.publicKey());
  CPPUNIT_ASSERT(atA && atB);
  return {atA, atB};
}

// Completes the handshake by hand on an accepted socket, as a peer with `key`.
bool rawHandshake(int fd, const SigningKey& key) {
  std::uint8_t head[6];
  if (!rtk::test::readExact(fd, head, 6, 5000ms)) return false;
  std::size_t n = VersionMetadata::messageBytes(ByteView(head, 6));
  std::vector<std::uint8_t> rest(n - 6);
  if (!rtk::test::readExact(fd, rest.data(), rest.size(), 5000ms)) return false;
  return rtk::test::sendAll(fd, VersionMetadata{}.encode(key, ""));
}

// Records peer events and probe outcomes as they arrive on the loop thread.
struct Recorder {
  std::mutex m;
  std::vector<rtk::PeerEvent> events;
  std::vector<rtk::Outcome<rtk::PeerProbe>> probes;
  std::vector<std::thread::id> threads;
  rtk::PeerInterface::PeerEventHandler handler() {
    return [this](const rtk::PeerEvent& e) {
      std::lock_guard l(m);
      events.push_back(e);
      threads.push_back(std::this_thread::get_id());
    };
  }
  rtk::PeerInterface::ProbeCallback probe() {
    return [this](rtk::Outcome<rtk::PeerProbe> o) {
      std::lock_guard l(m);
      probes.push_back(std::move(o));
      threads.push_back(std::this_thread::get_id());
    };
  }
  std::size_t eventCount() {
    std::lock_guard l(m);
    return events.size();
  }
  std::size_t probeCount() {
    std::lock_guard l(m);
    return probes.size();
  }
  rtk::PeerEvent event(std::size_t i) {
    std::lock_guard l(m);
    return events.at(i);
  }
  rtk::Outcome<rtk::PeerProbe> probeOutcome(std::size_t i) {
    std::lock_guard l(m);
    return probes.at(i);
  }
};

// One probe, waited for; fails the test when `done` does not come (or comes twice).
rtk::Outcome<rtk::PeerProbe> probeOnce(TestNode& node, const std::string& uri, std::chrono::milliseconds timeout = 5s) {
  Recorder r;
  node.links->probePeer(uri, timeout, r.probe());
  CPPUNIT_ASSERT_MESSAGE(uri, waitUntil([&] { return r.probeCount() == 1; }, timeout + kWait));
  std::this_thread::sleep_for(20ms);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(uri, std::size_t(1), r.probeCount());
  return r.probeOutcome(0);
}

void expectProbeError(TestNode& node, const std::string& uri, Errc code, const std::string& needle,
                      std::chrono::milliseconds timeout = 5s) {
  auto o = probeOnce(node, uri, timeout);
  CPPUNIT_ASSERT_MESSAGE(uri + " answered", o.error.has_value());
  const std::string what = o.error->what();
  CPPUNIT_ASSERT_MESSAGE(what + " is " + rtk::errcName(o.error->code()), o.error->code() == code);
  CPPUNIT_ASSERT_MESSAGE(what + " lacks " + needle, what.find(needle) != std::string::npos);
}

// A TCP connection to 127.0.0.1:port from the loopback address `source`
// (any 127.x.y.z works without configuration); -1 on failure.
int connectFromLoopback(const char* source, std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in from{}, to{};
  from.sin_family = to.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &from.sin_addr);
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  to.sin_port = htons(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// An admitted connection receives our handshake metadata at once; a refused
// one is closed without a byte.
bool closedWithoutAByte(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 5000) <= 0) return false;
  std::uint8_t b;
  return ::recv(fd, &b, 1, 0) == 0;
}

}  // namespace

class LinkManagerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LinkManagerTest);
  CPPUNIT_TEST(tcpLinkCarriesFramesBothWays);
  CPPUNIT_TEST(tlsLinkCarriesFramesBothWays);
  CPPUNIT_TEST(unixLinkCarriesFramesBothWays);
  CPPUNIT_TEST(wsLinkCarriesFramesBothWays);
  CPPUNIT_TEST(wssLinkCarriesFramesBothWays);
  CPPUNIT_TEST(socksLinksThroughAProxy);
  CPPUNIT_TEST(wrongPasswordRefusedOnBothSides);
  CPPUNIT_TEST(wrongPinnedKeyRefused);
  CPPUNIT_TEST(allowedPublicKeysGuardInboundOnly);
  CPPUNIT_TEST(connectionToOurselvesRefused);
  CPPUNIT_TEST(malformedHandshakesRefused);
  CPPUNIT_TEST(configurationErrors);
  CPPUNIT_TEST(backoffWaitsAndRetryPeersCutsItShort);
  CPPUNIT_TEST(backoffRedialsRepeatedly);
  CPPUNIT_TEST(keepAliveAnswersUnansweredTraffic);
  CPPUNIT_TEST(routerBehindPausesReadingNotTheThread);
  CPPUNIT_TEST(silentPeerTimesOut);
  CPPUNIT_TEST(badFramesCloseTheLink);
  CPPUNIT_TEST(routerCanCloseTheLink);
  CPPUNIT_TEST(wsListenerAnswersHealthChecks);
  CPPUNIT_TEST(duplicateInboundIdentityIsDropped);
  CPPUNIT_TEST(pendingHandshakesAreCapped);
  CPPUNIT_TEST(ratesAndUptimeAreReported);
  CPPUNIT_TEST(fiftyFlapsLeaveNoThreadsOrDescriptors);
  CPPUNIT_TEST(stopClosesListenersAndLinks);
  CPPUNIT_TEST(peerEventsReportUpAndDown);
  CPPUNIT_TEST(unsubscribeWaitsForARunningHandler);
  CPPUNIT_TEST(unsubscribeFromInsideAHandler);
  CPPUNIT_TEST(probeReportsKeyAndRoundTripOverEachTransport);
  CPPUNIT_TEST(probeFailuresAreReportedOnce);
  CPPUNIT_TEST(probeTimesOutAndStopFailsPendingProbes);
  CPPUNIT_TEST_SUITE_END();

 public:
  void tcpLinkCarriesFramesBothWays() {
    TestNode a, b;
    exchangeOver(a, b, "tcp://127.0.0.1:0", "tcp");
  }

  void tlsLinkCarriesFramesBothWays() {
    TestNode a, b;
    exchangeOver(a, b, "tls://127.0.0.1:0", "tls");
  }

  void unixLinkCarriesFramesBothWays() {
    rtk::test::TempDir dir("link");
    TestNode a, b;
    exchangeOver(a, b, "unix://" + dir.path() + "/peer.sock", "unix");
    // The listener removed its socket file when it closed.
    CPPUNIT_ASSERT(!std::filesystem::exists(dir.path() + "/peer.sock"));
  }

  void wsLinkCarriesFramesBothWays() {
    TestNode a, b;
    exchangeOver(a, b, "ws://127.0.0.1:0", "ws");
  }

  void wssLinkCarriesFramesBothWays() {
    TestNode a, b;
    exchangeOver(a, b, "wss://127.0.0.1:0", "wss");
  }

  void socksLinksThroughAProxy() {
    TestNode a, b;
    rtk::test::SocksProxy proxy("alice", "s3cret");
    auto tcp = a.links->listen("tcp://127.0.0.1:0");
    auto tls = a.links->listen("tls://127.0.0.1:0");
    std::string tcpTarget = tcp.uri.substr(6), tlsTarget = tls.uri.substr(6);
    std::string proxyAt = "alice:s3cret@127.0.0.1:" + std::to_string(proxy.port());

    b.links->addPeer("socks://" + proxyAt + "/" + tcpTarget);
    auto atA = a.waitPeer(b.publicKey());
    auto atB = b.waitPeer(a.publicKey());
    CPPUNIT_ASSERT_MESSAGE(b.logs.dump(), atA && atB);
    CPPUNIT_ASSERT_EQUAL(tcpTarget, proxy.lastTarget());
    Bytes frame = trafficFrame(5000, 9);
    atB->send(frame);
    CPPUNIT_ASSERT(waitUntil([&] { return atA->hasFrame(frame); }, kWait));
    atA->send(frame);
    CPPUNIT_ASSERT(waitUntil([&] { return atB->hasFrame(frame); }, kWait));
    b.links->removePeer("socks://" + proxyAt + "/" + tcpTarget);
    CPPUNIT_ASSERT(waitUntil([&] { return a.registry.active().empty() && b.registry.active().empty(); }, kWait));

    b.links->addPeer("sockstls://" + proxyAt + "/" + tlsTarget);
    atA = a.waitPeer(b.publicKey());
    atB = b.waitPeer(a.publicKey());
    CPPUNIT_ASSERT_MESSAGE(b.logs.dump(), atA && atB);
    CPPUNIT_ASSERT_EQUAL(tlsTarget, proxy.lastTarget());
    atB->send(frame);
    CPPUNIT_ASSERT(waitUntil([&] { return atA->hasFrame(frame); }, kWait));
    b.links->removePeer("sockstls://" + proxyAt + "/" + tlsTarget);
    CPPUNIT_ASSERT(waitUntil([&] { return a.registry.active().empty() && b.registry.active().empty(); }, kWait));

    // Bad proxy credentials: the proxy says no and the link says why.
    b.links->addPeer("socks://alice:wrong@127.0.0.1:" + std::to_string(proxy.port()) + "/" + tcpTarget);
    CPPUNIT_ASSERT(waitUntil([&] { return proxy.authFailures() > 0; }, kWait));
    CPPUNIT_ASSERT(waitUntil([&] { return b.logs.contains("proxy refused the user name and password"); }, kWait));
    CPPUNIT_ASSERT(b.logs.contains("socks://alice:xxxxx@"));  // the proxy password stays out of the logs
    CPPUNIT_ASSERT(!b.logs.contains("wrong@"));
    proxy.stop();
  }

  void wrongPasswordRefusedOnBothSides() {
    TestNode a, b;
    auto info = a.links->listen("tcp://127.0.0.1:0?password=right");
    b.links->addPeer(info.uri + "?password=wrong");
    const std::string reason = "password does not match remote side";
    CPPUNIT_ASSERT(waitUntil([&] { return a.logs.contains(reason) && b.logs.contains(reason); }, kWait));
    CPPUNIT_ASSERT(!b.logs.find({"warn", info.uri + ": outbound link failed: handshake: " + reason}).empty());
    CPPUNIT_ASSERT(!a.logs.find({"warn", "tcp://127.0.0.1:", ": inbound link failed: handshake: " + reason}).empty());
    CPPUNIT_ASSERT_EQUAL(0, a.registry.added() + b.registry.added());
    auto p = b.peer(info.uri);
    CPPUNIT_ASSERT(p && !p->up);
    CPPUNIT_ASSERT_MESSAGE(p->lastError, p->lastError.find(reason) != std::string::npos);
    CPPUNIT_ASSERT(p->lastErrorTime.time_since_epoch().count() != 0);

    // The right password works, and the refused attempt left nothing behind.
    b.links->addPeer(info.uri + "/?password=right");
    CPPUNIT_ASSERT(a.waitPeer(b.publicKey()) && b.waitPeer(a.publicKey()));
  }

  void wrongPinnedKeyRefused() {
    TestNode a, b;
    auto info = a.links->listen("tls://127.0.0.1:0");
    auto other = SigningKey::generate().publicKey();
    b.links->addPeer(info.uri + "?key=" + other.hex());
    CPPUNIT_ASSERT(waitUntil([&] { return b.logs.contains("does not match pinned keys"); }, kWait));
    CPPUNIT_ASSERT(!b.logs.find({"warn", info.uri, a.publicKey().hex(), "does not match pinned keys"}).empty());
    CPPUNIT_ASSERT_EQUAL(0, b.registry.added());
    // Pinning the right key (among others) works.
    b.links->addPeer(info.uri + "/?key=" + other.hex() + "&key=" + a.publicKey().hex());
    CPPUNIT_ASSERT(b.waitPeer(a.publicKey()));
  }

  void allowedPublicKeysGuardInboundOnly() {
    TestNode b, c;
    TestNode a({c.publicKey()});
    auto open = a.links->listen("tcp://127.0.0.1:0");
    auto local = a.links->listen("tcp://127.0.0.1:0", {}, true);
    b.links->addPeer(open.uri);
    CPPUNIT_ASSERT(waitUntil([&] { return a.logs.contains("is not in AllowedPublicKeys"); }, kWait));
    CPPUNIT_ASSERT(!a.logs.find({"warn", "\"" + b.publicKey().hex() + "\" is not in AllowedPublicKeys"}).empty());
    CPPUNIT_ASSERT(a.registry.find(b.publicKey()) == nullptr);
    // An allowed key gets in; a local (multicast) listener lets anyone in.
    c.links->addPeer(open.uri);
    CPPUNIT_ASSERT(a.waitPeer(c.publicKey()));
    b.links->callPeer(local.uri);
    CPPUNIT_ASSERT(a.waitPeer(b.publicKey()));
    // Outbound links are not subject to the list.
    auto bListen = b.links->listen("tcp://127.0.0.1:0");
    a.links->addPeer(bListen.uri);
    CPPUNIT_ASSERT(waitUntil([&] { return a.registry.added() >= 3; }, kWait));
  }

  void connectionToOurselvesRefused() {
    TestNode a;
    auto info = a.links->listen("tcp://127.0.0.1:0");
    a.links->addPeer(info.uri);
    CPPUNIT_ASSERT(waitUntil([&] { return a.logs.contains("connection to ourselves"); }, kWait));
    CPPUNIT_ASSERT_EQUAL(0, a.registry.added());
  }

  void malformedHandshakesRefused() {
    auto peerKey = SigningKey::generate();
    VersionMetadata old;
    old.minorVersion = 4;
    Bytes forged = VersionMetadata{}.encode(peerKey, "");
    forged[forged.size() - 10] ^= 0x40;
    std::string http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    struct Case {
      Bytes bytes;
      std::string reason;
    };
    std::vector<Case> cases = {
        {old.encode(peerKey, ""), "handshake: remote node incompatible version (local 0.5, remote 0.4)"},
        {forged, "handshake: password does not match remote side (or its signature is invalid)"},
        {Bytes(http.begin(), http.end()), "handshake: invalid handshake, remote side is not Yggdrasil"},
        {Bytes{'m', 'e', 't', 'a', 0x00, 0x10}, "handshake: invalid handshake length, possible version mismatch"},
    };
    for (const auto& c : cases) {
      LinkTiming timing;
      timing.backoffUnit = 1h;
      TestNode a({}, timing);
      RawListener raw;
      a.links->addPeer(raw.uri());
      int fd = raw.accept(kWait);
      std::uint8_t theirs[123];
      CPPUNIT_ASSERT(rtk::test::readExact(fd, theirs, sizeof theirs, 5000ms));
      CPPUNIT_ASSERT(rtk::test::sendAll(fd, c.bytes));
      CPPUNIT_ASSERT_MESSAGE(c.reason + "\n" + a.logs.dump(), waitUntil([&] {
        return !a.logs.find({"warn", raw.uri() + ": outbound link failed: " + c.reason}).empty();
      }, kWait));
      CPPUNIT_ASSERT_EQUAL(0, a.registry.added());
      auto p = a.peer(raw.uri());
      CPPUNIT_ASSERT(p && !p->up && p->lastError == c.reason);
      ::close(fd);
    }
  }

  void configurationErrors() {
    TestNode a;
    a.links->addPeer("tcp://127.0.0.1:9?priority=1");
    expectCode(Errc::AlreadyExists, "peer is already configured", [&] { a.links->addPeer("tcp://127.0.0.1:9"); });
    expectCode(Errc::NotFound, "peer is not configured", [&] { a.links->removePeer("tcp://127.0.0.1:10"); });
    expectCode(Errc::NotFound, "peer is not configured", [&] { a.links->removePeer("tcp://127.0.0.1:9", "eth0"); });
    expectCode(Errc::NotSupported, "quic is not supported yet", [&] { a.links->addPeer("quic://127.0.0.1:9"); });
    expectCode(Errc::InvalidArgument, "link schema unknown", [&] { a.links->addPeer("udp://127.0.0.1:9"); });
    expectCode(Errc::NotSupported, "SOCKS listener not supported", [&] { a.links->listen("socks://127.0.0.1:0/x:1"); });
    expectCode(Errc::NotSupported, "quic is not supported yet", [&] { a.links->listen("quic://127.0.0.1:0"); });
    auto taken = a.links->listen("tcp://127.0.0.1:0");
    expectCode(Errc::AddressInUse, "Address already in use", [&] { a.links->listen(taken.uri); });
    rtk::test::TempDir dir("link");
    a.links->listen("unix://" + dir.path() + "/s");
    expectCode(Errc::AddressInUse, "Address already in use", [&] { a.links->listen("unix://" + dir.path() + "/s"); });
    expectCode(Errc::NotFound, "no listener", [&] { a.links->closeListener(999999); });
    a.links->removePeer("tcp://127.0.0.1:9?anything=else");
    CPPUNIT_ASSERT(!a.peer("tcp://127.0.0.1:9"));
    a.links->stop();
    expectCode(Errc::Closed, "stopped", [&] { a.links->addPeer("tcp://127.0.0.1:9"); });
    CPPUNIT_ASSERT(a.links->getPeers().empty());
  }

  void backoffWaitsAndRetryPeersCutsItShort() {
    LinkTiming timing;
    timing.backoffUnit = 1h;  // nothing but retryPeers redials
    TestNode a({}, timing);
    RawListener raw;
    a.links->addPeer(raw.uri());
    int first = raw.accept(kWait);
    CPPUNIT_ASSERT(first >= 0);
    ::close(first);  // the handshake fails: backoff
    CPPUNIT_ASSERT(waitUntil([&] { auto p = a.peer(raw.uri()); return p && !p->lastError.empty(); }, kWait));
    CPPUNIT_ASSERT_EQUAL(-1, raw.accept(300ms));  // waiting out the backoff
    a.links->retryPeers();
    int second = raw.accept(kWait);
    CPPUNIT_ASSERT(second >= 0);
    ::close(second);
    CPPUNIT_ASSERT(waitUntil([&] { return a.logs.contains("redialling in"); }, kWait));
    // Adding the peer again is refused but kicks it as well (link.go).
    CPPUNIT_ASSERT(waitUntil([&] { return a.logs.find({"redialling in", "attempt 3"}).size() > 0; }, kWait));
    expectCode(Errc::AlreadyExists, "peer is already configured", [&] { a.links->addPeer(raw.uri()); });
    int third = raw.accept(kWait);
    CPPUNIT_ASSERT(third >= 0);
    ::close(third);
  }

  void backoffRedialsRepeatedly() {
    LinkTiming timing;
    timing.backoffUnit = 5ms;  // 10, 20, 40, 80 ms ...
    TestNode a({}, timing);
    RawListener raw;
    a.links->addPeer(raw.uri());
    for (int i = 0; i < 4; ++i) {
      int fd = raw.accept(kWait);
      CPPUNIT_ASSERT_MESSAGE("attempt " + std::to_string(i), fd >= 0);
      ::close(fd);
    }
    // Removing the peer stops the redials.
    a.links->removePeer(raw.uri());
    CPPUNIT_ASSERT(waitUntil([&] { return a.peers().empty(); }, kWait));
    int late = raw.accept(200ms);
    if (late >= 0) ::close(late);  // a dial already under way may still land once
    CPPUNIT_ASSERT_EQUAL(-1, raw.accept(500ms));
  }

  void keepAliveAnswersUnansweredTraffic() {
    TestNode a, b;
    const auto link = linkOverTcp(a, b);
    const auto& atA = link.first;
    const auto& atB = link.second;
    // b's router answers nothing, so b's link answers with a keepalive after 1 s.
    atA->send(trafficFrame(10, 4));
    CPPUNIT_ASSERT(waitUntil([&] { return atA->countType(1) >= 1; }, kWait));
    CPPUNIT_ASSERT(waitUntil([&] { return atB->countType(9) == 1; }, kWait));
    // And a's link, having heard the keepalive, does not time out.
    std::this_thread::sleep_for(100ms);
    CPPUNIT_ASSERT(a.registry.find(b.publicKey()) != nullptr);
  }

  // The router's inbox full (acceptsFrames false): the link reads no more,
  // but its reactor thread is not blocked (it still writes, here on the same
  // link), and once woken it delivers everything, in order.
  void routerBehindPausesReadingNotTheThread() {
    TestNode a, b;
    const auto link = linkOverTcp(a, b);
    const auto& atA = link.first;
    const auto& atB = link.second;
    const std::size_t held = atA->frames().size() + 2;
    atA->holdFramesAfter(held);
    constexpr std::uint8_t kFrames = 50;
    for (std::uint8_t i = 0; i < kFrames; ++i) atB->send(trafficFrame(3000, i));
    CPPUNIT_ASSERT(waitUntil([&] { return atA->refusals() > 0; }, kWait));
    CPPUNIT_ASSERT_EQUAL(held, atA->frames().size());
    // a's thread still serves the link: what a sends reaches b.
    const Bytes reply = trafficFrame(10, 200);
    atA->send(reply);
    CPPUNIT_ASSERT(waitUntil([&] { return atB->hasFrame(reply); }, kWait));
    std::this_thread::sleep_for(200ms);
    CPPUNIT_ASSERT_EQUAL(held, atA->frames().size());

    atA->resumeFrames();
    CPPUNIT_ASSERT(waitUntil([&] { return atA->countType(9) == kFrames; }, kWait));
    std::vector<Bytes> traffic;
    for (auto& f : atA->frames())
      if (f[0] == 9) traffic.push_back(f);
    for (std::uint8_t i = 0; i < kFrames; ++i) CPPUNIT_ASSERT(traffic[i] == trafficFrame(3000, i));
    CPPUNIT_ASSERT(a.registry.find(b.publicKey()) != nullptr);
  }

  void silentPeerTimesOut() {
    LinkTiming timing;
    timing.peerTimeout = 300ms;
    timing.backoffUnit = 1h;
    TestNode a({}, timing);
    RawListener raw;
    a.links->addPeer(raw.uri());
    int fd = raw.accept(kWait);
    auto peerKey = SigningKey::generate();
    CPPUNIT_ASSERT(rawHandshake(fd, peerKey));
    auto ep = a.waitPeer(peerKey.publicKey());
    CPPUNIT_ASSERT(ep);
    ep->send(trafficFrame(10, 5));  // non-keepalive traffic that nobody answers
    CPPUNIT_ASSERT(waitUntil([&] { return a.logs.contains("nothing received for 300 ms after sending traffic"); }, kWait));
    CPPUNIT_ASSERT(waitUntil([&] { return a.registry.removed() == 1; }, kWait));
    ::close(fd);
  }

  void badFramesCloseTheLink() {
    struct Case {
      Bytes bytes;
      std::string reason;
    };
    Bytes oversized;
    FrameReader::appendUvarint(oversized, rtk::core::wire::kMaxMessageSize + 1);
    // Each starts with a keepalive, which must be delivered before the link closes.
    oversized.insert(oversized.begin(), {0x01, 0x01});
    std::vector<Case> cases = {{{0x01, 0x01, 0x00}, "empty message"},
                               {oversized, "oversized message"},
                               {{0x01, 0x01, 0x02, 0x07, 0x00}, "frame type 7 is not acceptable"}};
    for (const auto& c : cases) {
      LinkTiming timing;
      timing.backoffUnit = 1h;
      TestNode a({}, timing);
      RawListener raw;
      a.links->addPeer(raw.uri());
      int fd = raw.accept(kWait);
      auto peerKey = SigningKey::generate();
      CPPUNIT_ASSERT(rawHandshake(fd, peerKey));
      auto ep = a.waitPeer(peerKey.publicKey());
      CPPUNIT_ASSERT(ep);
      ep->rejectFramesOfType(7);
      CPPUNIT_ASSERT(rtk::test::sendAll(fd, c.bytes));
      CPPUNIT_ASSERT_MESSAGE(c.reason + "\n" + a.logs.dump(),
                             waitUntil([&] { return !a.logs.find({"disconnected outbound", raw.uri(), c.reason}).empty(); }, kWait));
      CPPUNIT_ASSERT(waitUntil([&] { return a.registry.removed() == 1; }, kWait));
      CPPUNIT_ASSERT_EQUAL(std::size_t(1), ep->countType(1));  // the keepalive before the bad frame arrived
      // The socket was closed: reading gives EOF.
      std::uint8_t buf[64];
      pollfd p{fd, POLLIN, 0};
      CPPUNIT_ASSERT(::poll(&p, 1, 5000) == 1);
      while (::recv(fd, buf, sizeof buf, 0) > 0) {
      }
      ::close(fd);
    }
  }

  void routerCanCloseTheLink() {
    TestNode a, b;
    auto info = a.links->listen("tcp://127.0.0.1:0");
    b.links->addPeer(info.uri);
    auto atB = b.waitPeer(a.publicKey());
    CPPUNIT_ASSERT(atB);
    atB->closeLink("router gave up");
    CPPUNIT_ASSERT(waitUntil([&] { return b.logs.contains("router gave up"); }, kWait));
    // A persistent peer comes back after its backoff.
    CPPUNIT_ASSERT(waitUntil([&] { return b.registry.added() == 2; }, kWait));
  }

  void wsListenerAnswersHealthChecks() {
    TestNode a;
    auto info = a.links->listen("ws://127.0.0.1:0");
    auto port = static_cast<std::uint16_t>(std::stoi(info.uri.substr(info.uri.rfind(':') + 1)));
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CPPUNIT_ASSERT_EQUAL(0, ::connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin));
    std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    CPPUNIT_ASSERT(rtk::test::sendAll(fd, ByteView(reinterpret_cast<const std::uint8_t*>(request.data()), request.size())));
    std::string answer;
    char buf[512];
    pollfd p{fd, POLLIN, 0};
    while (::poll(&p, 1, 5000) == 1) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      answer.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    CPPUNIT_ASSERT_MESSAGE(answer, answer.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CPPUNIT_ASSERT(answer.substr(answer.size() - 2) == "OK");
    CPPUNIT_ASSERT_EQUAL(0, a.registry.added());
  }

  // Half-open inbound connections hold a link thread each until their
  // handshake times out: beyond the caps they are closed at once and
  // counted, and the slots come back when the pending ones end.
  void pendingHandshakesAreCapped() {
    LinkTiming timing;
    timing.handshakeTimeout = 1500ms;
    rtk::core::link::InboundLimits limits;
    limits.maxPendingHandshakes = 4;
    limits.maxPendingHandshakesPerSource = 2;
    TestNode a({}, timing, limits);
    auto info = a.links->listen("tcp://127.0.0.1:0");
    const auto port = static_cast<std::uint16_t>(std::stoi(info.uri.substr(info.uri.rfind(':') + 1)));
    std::vector<int> held;
    auto connect = [&](const char* source) {
      int fd = connectFromLoopback(source, port);
      CPPUNIT_ASSERT_MESSAGE(source, fd >= 0);
      held.push_back(fd);
      return fd;
    };
    for (const char* source : {"127.0.0.2", "127.0.0.2", "127.0.0.3"}) connect(source);
    CPPUNIT_ASSERT(waitUntil([&] { return a.links->pendingInboundHandshakes() == 3; }, kWait));
    CPPUNIT_ASSERT_MESSAGE("third from 127.0.0.2", closedWithoutAByte(connect("127.0.0.2")));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), a.links->inboundRefusals().perSourceCap);
    connect("127.0.0.3");
    CPPUNIT_ASSERT(waitUntil([&] { return a.links->pendingInboundHandshakes() == 4; }, kWait));
    CPPUNIT_ASSERT_MESSAGE("fifth in all", closedWithoutAByte(connect("127.0.0.4")));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), a.links->inboundRefusals().pendingCap);
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), a.links->pendingInboundHandshakes());
    CPPUNIT_ASSERT_MESSAGE(a.logs.dump(),
                           !a.logs.find({"warn", "inbound connection closed: 2 handshakes pending from this address"}).empty());
    // The held ones time out; the next connection is served again.
    CPPUNIT_ASSERT(waitUntil([&] { return a.links->pendingInboundHandshakes() == 0; }, kWait));
    int again = connect("127.0.0.4");
    CPPUNIT_ASSERT_MESSAGE("served after the pending ones ended", !closedWithoutAByte(again));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), a.links->inboundRefusals().pendingCap + a.links->inboundRefusals().perSourceCap);
    CPPUNIT_ASSERT_EQUAL(0, a.registry.added());
    for (int fd : held) ::close(fd);
  }

  void duplicateInboundIdentityIsDropped() {
    // Two inbound unix connections share the identity "unix://<path>" (as in
    // link.go), so the second is dropped while the first is up.
    rtk::test::TempDir dir("link");
    TestNode a, b, c;
    std::string uri = "unix://" + dir.path() + "/dup.sock";
    a.links->listen(uri);
    b.links->addPeer(uri);
    CPPUNIT_ASSERT(a.waitPeer(b.publicKey()));
    c.links->addPeer(uri);
    CPPUNIT_ASSERT(waitUntil([&] { return a.logs.contains("dropping the duplicate inbound connection"); }, kWait));
    CPPUNIT_ASSERT(a.registry.find(c.publicKey()) == nullptr);
    auto peers = a.peers();
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), peers.size());
    CPPUNIT_ASSERT_EQUAL(uri, peers[0].uri);
  }

  void ratesAndUptimeAreReported() {
    TestNode a, b;
    auto info = a.links->listen("tcp://127.0.0.1:0");
    b.links->addPeer(info.uri);
    auto atB = b.waitPeer(a.publicKey());
    CPPUNIT_ASSERT(atB);
    atB->send(trafficFrame(50000, 6));
    CPPUNIT_ASSERT(waitUntil([&] { auto p = b.peer(info.uri); return p && p->txRate > 50000; }, kWait));
    auto p = b.peer(info.uri);
    CPPUNIT_ASSERT(p->uptime > std::chrono::nanoseconds(0));
    CPPUNIT_ASSERT(p->txBytes >= p->txRate);
    CPPUNIT_ASSERT(waitUntil([&] { auto q = a.peers(); return q.size() == 1 && q[0].rxRate > 50000; }, kWait));
  }

  void fiftyFlapsLeaveNoThreadsOrDescriptors() {
    TestNode a, b;
    auto info = a.links->listen("tcp://127.0.0.1:0");
    auto cycle = [&] {
      b.links->addPeer(info.uri);
      CPPUNIT_ASSERT(a.waitPeer(b.publicKey()) && b.waitPeer(a.publicKey()));
      b.links->removePeer(info.uri);
      CPPUNIT_ASSERT(waitUntil([&] { return a.registry.active().empty() && b.registry.active().empty(); }, kWait));
      CPPUNIT_ASSERT(waitUntil([&] { return a.peers().empty() && b.peers().empty(); }, kWait));
    };
    cycle();  // warm-up: lazily created process-wide state
    std::size_t threads = rtk::test::settledThreadCount(), fds = rtk::test::fdCount();
    for (int i = 0; i < 50; ++i) cycle();
    // Link threads are joined and sockets closed once the manager processed the closes.
    CPPUNIT_ASSERT(waitUntil([&] { return rtk::test::threadCount() == threads && rtk::test::fdCount() == fds; }, kWait));
    CPPUNIT_ASSERT_EQUAL(threads, rtk::test::threadCount());
    CPPUNIT_ASSERT_EQUAL(fds, rtk::test::fdCount());
    CPPUNIT_ASSERT_EQUAL(51, a.registry.added());
    CPPUNIT_ASSERT_EQUAL(51, a.registry.removed());
  }

  void stopClosesListenersAndLinks() {
    std::size_t threads = rtk::test::settledThreadCount(), fds = rtk::test::fdCount();
    {
      TestNode a, b;
      auto info = a.links->listen("tls://127.0.0.1:0");
      b.links->addPeer(info.uri);
      CPPUNIT_ASSERT(a.waitPeer(b.publicKey()) && b.waitPeer(a.publicKey()));
      a.links->stop();
      CPPUNIT_ASSERT_EQUAL(1, a.registry.removed());
      CPPUNIT_ASSERT(a.links->listeners().empty());
      CPPUNIT_ASSERT(waitUntil([&] { return b.registry.removed() == 1; }, kWait));
      // Nobody listens any more: b's redials fail.
      CPPUNIT_ASSERT(waitUntil([&] { return b.logs.contains("Connection refused"); }, kWait));
      a.links->stop();  // idempotent
    }
    CPPUNIT_ASSERT_EQUAL(threads, rtk::test::settledThreadCount());
    CPPUNIT_ASSERT_EQUAL(fds, rtk::test::fdCount());
  }

  void peerEventsReportUpAndDown() {
    Recorder atA, atB;  // before the nodes: their stop() still reports Down events here
    TestNode a, b;
    a.links->subscribePeerEvents(atA.handler());
    b.links->subscribePeerEvents(atB.handler());
    auto info = a.links->listen("tcp://127.0.0.1:0");
    b.links->addPeer(info.uri + "?priority=1");
    CPPUNIT_ASSERT(waitUntil([&] { return atA.eventCount() == 1 && atB.eventCount() == 1; }, kWait));
    auto up = atB.event(0);
    CPPUNIT_ASSERT(up.kind == rtk::PeerEvent::Kind::Up);
    CPPUNIT_ASSERT(up.key == a.publicKey());
    CPPUNIT_ASSERT(!up.inbound);
    CPPUNIT_ASSERT_EQUAL(info.uri, up.uri);  // as getPeers shows it: no query
    CPPUNIT_ASSERT_EQUAL(b.peers().at(0).uri, up.uri);
    auto in = atA.event(0);
    CPPUNIT_ASSERT(in.kind == rtk::PeerEvent::Kind::Up && in.inbound && in.key == b.publicKey());
    CPPUNIT_ASSERT_EQUAL(a.peers().at(0).uri, in.uri);
    CPPUNIT_ASSERT(atA.threads[0] != std::this_thread::get_id());

    // We remove the peer: a clean close for us, an error for the other side.
    b.links->removePeer(info.uri);
    CPPUNIT_ASSERT(waitUntil([&] { return atA.eventCount() == 2 && atB.eventCount() == 2; }, kWait));
    auto down = atB.event(1);
    CPPUNIT_ASSERT(down.kind == rtk::PeerEvent::Kind::Down && down.key == a.publicKey() && down.uri == info.uri);
    CPPUNIT_ASSERT_EQUAL(std::string(), down.error);
    auto gone = atA.event(1);
    CPPUNIT_ASSERT(gone.kind == rtk::PeerEvent::Kind::Down && gone.key == b.publicKey() && gone.inbound);
    CPPUNIT_ASSERT_MESSAGE(gone.error, !gone.error.empty());

    // Links still up when the manager stops get their Down before stop() returns.
    b.links->addPeer(info.uri);
    CPPUNIT_ASSERT(waitUntil([&] { return atB.eventCount() == 3; }, kWait));
    b.links->stop();
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), atB.eventCount());
    CPPUNIT_ASSERT(atB.event(3).kind == rtk::PeerEvent::Kind::Down);
    expectCode(Errc::Closed, "stopped", [&] { b.links->subscribePeerEvents(atB.handler()); });
  }

  void unsubscribeWaitsForARunningHandler() {
    TestNode a, b;
    std::mutex m;
    std::condition_variable cv;
    bool entered = false, open = false;
    std::atomic<int> calls{0};
    auto id = b.links->subscribePeerEvents([&](const rtk::PeerEvent&) {
      ++calls;
      std::unique_lock l(m);
      entered = true;
      cv.notify_all();
      cv.wait(l, [&] { return open; });
    });
    auto info = a.links->listen("tcp://127.0.0.1:0");
    b.links->addPeer(info.uri);
    {
      std::unique_lock l(m);
      CPPUNIT_ASSERT(cv.wait_for(l, kWait, [&] { return entered; }));
    }
    std::atomic<bool> returned{false};
    auto unsubscriber = std::async(std::launch::async, [&] {
      b.links->unsubscribePeerEvents(id);
      returned = true;
    });
    std::this_thread::sleep_for(100ms);
    CPPUNIT_ASSERT(!returned);
    {
      std::lock_guard l(m);
      open = true;
    }
    cv.notify_all();
    CPPUNIT_ASSERT(unsubscriber.wait_for(kWait) == std::future_status::ready);
    b.links->removePeer(info.uri);  // a Down nobody hears
    CPPUNIT_ASSERT(waitUntil([&] { return b.peers().empty(); }, kWait));
    b.links->unsubscribePeerEvents(id);  // unknown now: ignored
    b.links->unsubscribePeerEvents(12345);
    CPPUNIT_ASSERT_EQUAL(1, calls.load());
  }

  void unsubscribeFromInsideAHandler() {
    std::atomic<int> calls{0};
    std::atomic<std::uint64_t> id{0};
    Recorder other;  // before the nodes, which report to it until they stop
    TestNode a, b;
    id = b.links->subscribePeerEvents([&](const rtk::PeerEvent&) {
      ++calls;
      b.links->unsubscribePeerEvents(id);  // must not deadlock
    });
    b.links->subscribePeerEvents(other.handler());
    auto info = a.links->listen("tcp://127.0.0.1:0");
    b.links->addPeer(info.uri);
    CPPUNIT_ASSERT(waitUntil([&] { return other.eventCount() == 1; }, kWait));
    b.links->removePeer(info.uri);
    CPPUNIT_ASSERT(waitUntil([&] { return other.eventCount() == 2; }, kWait));
    CPPUNIT_ASSERT_EQUAL(1, calls.load());
  }

  void probeReportsKeyAndRoundTripOverEachTransport() {
    rtk::test::TempDir dir;
    Recorder events;  // before the nodes, which report to it until they stop
    TestNode a, b;
    b.links->subscribePeerEvents(events.handler());
    std::vector<std::string> uris;
    const std::vector<std::string> listen = {"tcp://127.0.0.1:0", "tls://127.0.0.1:0",
                                             "ws://127.0.0.1:0",  "wss://127.0.0.1:0",
                                             "unix://" + dir.path() + "/probe.sock", "tcp://127.0.0.1:0?password=pw"};
    for (const auto& l : listen)
      uris.push_back(a.links->listen(l).uri);
    uris.back() += "?password=pw&key=" + a.publicKey().hex();  // a pin and a password, as a peer would use them
    probeOnce(b, uris[0]);  // warm-up: lazily created process-wide state
    const std::size_t threads = rtk::test::threadCount();
    for (const auto& uri : uris) {
      auto o = probeOnce(b, uri);
      CPPUNIT_ASSERT_MESSAGE(uri + ": " + (o.error ? o.error->what() : "") + "\n" + b.logs.dump(), o.ok());
      CPPUNIT_ASSERT_MESSAGE(uri, o.value.key == a.publicKey());
      CPPUNIT_ASSERT_MESSAGE(uri, o.value.rtt.count() > 0 && o.value.rtt < 5s);
    }
    // Through a SOCKS proxy too.
    rtk::test::SocksProxy proxy("", "");
    auto viaProxy = probeOnce(b, "socks://127.0.0.1:" + std::to_string(proxy.port()) + "/" + uris[0].substr(6));
    CPPUNIT_ASSERT_MESSAGE(viaProxy.error ? viaProxy.error->what() : "", viaProxy.ok() && viaProxy.value.key == a.publicKey());
    proxy.stop();
    // Nothing was registered, listed or announced on the probing side (the
    // probed node sees an ordinary short-lived inbound link), and every probe
    // thread is gone.
    CPPUNIT_ASSERT_EQUAL(0, b.registry.added());
    CPPUNIT_ASSERT(a.registry.added() > 0);
    CPPUNIT_ASSERT(b.peers().empty());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), events.eventCount());
    CPPUNIT_ASSERT(waitUntil([&] { return rtk::test::threadCount() <= threads; }, kWait));
    CPPUNIT_ASSERT(waitUntil([&] { return a.peers().empty(); }, kWait));
  }

  void probeFailuresAreReportedOnce() {
    TestNode a, b;
    auto info = a.links->listen("tcp://127.0.0.1:0");
    auto pw = a.links->listen("tcp://127.0.0.1:0?password=right");
    // A bad URI comes through the callback, never thrown.
    expectProbeError(b, "nonsense", Errc::InvalidArgument, "links: probe: ");
    expectProbeError(b, "tcp://127.0.0.1:1?priority=x", Errc::InvalidArgument, "priority");
    expectProbeError(b, "quic://127.0.0.1:1", Errc::NotSupported, "quic");
    // Pins and passwords are checked as for a peer.
    auto other = SigningKey::generate().publicKey();
    expectProbeError(b, info.uri + "?key=" + other.hex(), Errc::Refused,
                     "links: probe " + info.uri + ": handshake: node public key");
    expectProbeError(b, pw.uri + "?password=wrong", Errc::Protocol, "password does not match remote side");
    // Nobody listening.
    std::string refused;
    {
      RawListener closed;
      refused = closed.uri();
    }
    expectProbeError(b, refused, Errc::Refused, "links: probe " + refused + ": dial 127.0.0.1:");
    // Ourselves.
    auto own = b.links->listen("tcp://127.0.0.1:0");
    expectProbeError(b, own.uri, Errc::Refused, "our own public key");
    expectCode(Errc::InvalidArgument, "no callback", [&] { b.links->probePeer(info.uri, 1s, nullptr); });
    CPPUNIT_ASSERT_EQUAL(0, b.registry.added());
  }

  void probeTimesOutAndStopFailsPendingProbes() {
    TestNode b;
    RawListener silent;  // accepts, never answers
    auto start = std::chrono::steady_clock::now();
    expectProbeError(b, silent.uri(), Errc::Timeout, "links: probe " + silent.uri() + ": timed out after 200 ms", 200ms);
    auto took = std::chrono::steady_clock::now() - start;
    CPPUNIT_ASSERT(took >= 200ms && took < 3s);

    Recorder r;
    for (int i = 0; i < 3; ++i) b.links->probePeer(silent.uri(), 60s, r.probe());
    std::this_thread::sleep_for(50ms);  // connected, waiting for the handshake
    b.links->stop();
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), r.probeCount());  // before stop() returned
    for (std::size_t i = 0; i < 3; ++i) {
      auto o = r.probeOutcome(i);
      CPPUNIT_ASSERT(o.error && o.error->code() == Errc::Closed);
    }
    bool called = false;
    expectCode(Errc::Closed, "stopped", [&] { b.links->probePeer(silent.uri(), 1s, [&](auto) { called = true; }); });
    CPPUNIT_ASSERT(!called);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LinkManagerTest);
