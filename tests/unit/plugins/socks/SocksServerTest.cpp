#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "EchoServer.hpp"
#include "common/TempDir.hpp"
#include "TestClient.hpp"
#include "ratatoskr/address.hpp"
#include "server/SocksServer.hpp"

using namespace rtk::plugins::socks;
using namespace rtk::plugins::socks::test;

namespace {

const std::string kGreeting = "050100";  // no authentication
const std::string kConnectEcho = "05010004020012340000000000000000000000010050";  // [200:1234::1]:80

std::uint8_t replyCode(const std::string& reply) { return reply.size() >= 2 ? static_cast<std::uint8_t>(reply[1]) : 0xee; }

std::string domainRequest(const std::string& name, std::uint16_t port) {
  std::string r = hexText("05010003");
  r += static_cast<char>(name.size());
  r += name;
  r += static_cast<char>(port >> 8);
  r += static_cast<char>(port & 0xff);
  return r;
}

// Waits (up to 5 s) for a condition the server reaches on its own thread.
template <class F>
bool eventually(F ready) {
  for (int i = 0; i < 500; ++i) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return ready();
}

// Threads of this process named "rtk-..." (the proxy's; the echo server's are unnamed).
std::size_t rtkThreads() {
  std::size_t n = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    if (name.rfind("rtk-", 0) == 0) ++n;
  }
  return n;
}

}  // namespace

// The whole proxy on loopback: real client sockets, the server's epoll
// loop and tunnels, a real echo server behind MappedNetwork's "Yggdrasil".
class SocksServerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SocksServerTest);
  CPPUNIT_TEST(connectsAndRelaysBothWaysWithHalfClose);
  CPPUNIT_TEST(pkYggNamesReachTheKeysAddress);
  CPPUNIT_TEST(replyCodesByCauseAndStillServing);
  CPPUNIT_TEST(garbageAndTruncatedRequestsAreClosed);
  CPPUNIT_TEST(halfHandshakesMakeRoomForRealClients);
  CPPUNIT_TEST(fullOfSessionsWaitsThenServes);
  CPPUNIT_TEST(handshakeTimeoutCloses);
  CPPUNIT_TEST(usernamePassword);
  CPPUNIT_TEST(httpConnectListener);
  CPPUNIT_TEST(unixSocketListener);
  CPPUNIT_TEST(stopEndsActiveTunnels);
  CPPUNIT_TEST(systemProxyDialsOtherDestinationsDirectly);
  CPPUNIT_TEST(tunnelsShareAFixedSetOfThreads);
  CPPUNIT_TEST(idleTunnelEnds);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    echo_ = std::make_unique<EchoServer>();
    network_.map("[200:1234::1]:80", echo_->port());
    resolver_ = std::make_unique<Resolver>(network_, ResolverSettings{});
    dialer_ = std::make_unique<UpstreamDialer>(network_, *resolver_, false);
  }
  void tearDown() override {
    if (server_) server_->stop();
    server_.reset();
    dialer_.reset();
    resolver_.reset();
    echo_.reset();
  }

  std::string start(ProxySettings settings = {}) {
    if (settings.listen.empty()) settings.listen.push_back({"127.0.0.1:0", ListenSpec::Protocol::Socks});
    server_ = std::make_unique<SocksServer>(settings, *dialer_, rtk::Log());
    server_->start();
    return server_->boundAddresses().front();
  }

  void systemProxyDialsOtherDestinationsDirectly() {
    UpstreamDialer split(network_, *resolver_, true);
    ProxySettings settings;
    settings.listen.push_back({"127.0.0.1:0", ListenSpec::Protocol::Socks});
    server_ = std::make_unique<SocksServer>(settings, split, rtk::Log());
    server_->start();
    const std::string address = server_->boundAddresses().front();
    const std::uint16_t port = echo_->port();
    // An IPv4 literal of this machine, and a name only the system resolver knows.
    std::string v4 = hexText("050100017f000001") + std::string{static_cast<char>(port >> 8), static_cast<char>(port & 0xff)};
    for (const std::string& request : {v4, domainRequest("localhost", port)}) {
      TestClient c(address);
      c.sendHex(kGreeting);
      c.receive(2);
      c.send(request);
      CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), replyCode(c.socksReply()));
      c.send("direct");
      CPPUNIT_ASSERT_EQUAL(std::string("direct"), c.receive(6));
    }
    // Yggdrasil destinations still go through the node.
    TestClient ygg(address);
    ygg.sendHex(kGreeting + kConnectEcho);
    ygg.receive(2);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), replyCode(ygg.socksReply()));
    CPPUNIT_ASSERT_EQUAL(1, network_.dials("tcp"));
    server_->stop();
    server_.reset();
  }

  void tunnelsShareAFixedSetOfThreads() {
    ProxySettings settings;
    settings.maxConnections = 1000;
    const std::string address = start(settings);
    constexpr int kTunnels = 150;
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < kTunnels; ++i) {
      clients.push_back(std::make_unique<TestClient>(address));
      clients.back()->sendHex(kGreeting + kConnectEcho);
    }
    for (auto& c : clients) {
      CPPUNIT_ASSERT_EQUAL(std::string("\x05\x00", 2), c->receive(2));
      CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), replyCode(c->socksReply()));
    }
    for (int i = 0; i < kTunnels; ++i) clients[static_cast<std::size_t>(i)]->send("tunnel " + std::to_string(i % 10));
    for (int i = 0; i < kTunnels; ++i)
      CPPUNIT_ASSERT_EQUAL("tunnel " + std::to_string(i % 10), clients[static_cast<std::size_t>(i)]->receive(8));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(kTunnels), snapshotInt("tunnels"));
    const std::size_t holding = rtkThreads();
    // The handshake loop, the relay loops and at most the dial workers, whatever the number of tunnels (it was 2 per tunnel).
    CPPUNIT_ASSERT_MESSAGE(std::to_string(holding) + " threads for " + std::to_string(kTunnels) + " tunnels",
                           holding <= 1 + SocksServer::kRelayThreads + SocksServer::kDialThreads);
    clients.clear();
    CPPUNIT_ASSERT(eventually([&] { return snapshotInt("active_connections") == 0; }));
  }

  void idleTunnelEnds() {
    ProxySettings settings;
    settings.idleTimeout = std::chrono::milliseconds(1000);
    TestClient c(start(settings));
    c.sendHex(kGreeting + kConnectEcho);
    c.receive(2);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), replyCode(c.socksReply()));
    c.send("once");
    CPPUNIT_ASSERT_EQUAL(std::string("once"), c.receive(4));
    // Nothing moves: the relay ends the tunnel (the client sees its end).
    CPPUNIT_ASSERT(c.closedWithin(10000));
    CPPUNIT_ASSERT(eventually([&] { return snapshotInt("active_connections") == 0; }));
  }

  std::int64_t snapshotInt(const char* key) { return server_->snapshot().get(key).asInt64(); }

  void connectsAndRelaysBothWaysWithHalfClose() {
    TestClient c(start());
    c.sendHex(kGreeting);
    CPPUNIT_ASSERT_EQUAL(std::string("\x05\x00", 2), c.receive(2));
    c.sendHex(kConnectEcho);
    std::string reply = c.socksReply();
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), replyCode(reply));
    CPPUNIT_ASSERT_EQUAL(std::size_t(10), reply.size());  // BND: the fake's IPv4 loopback end
    std::string payload(200000, 'x');
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 7);
    std::thread writer([&] {
      c.send(payload);
      c.closeWrite();
    });
    std::string back = c.receive(payload.size() + 1);
    writer.join();
    CPPUNIT_ASSERT(back == payload);  // all of it, then end of stream after the half-close
    CPPUNIT_ASSERT(eventually([&] { return snapshotInt("active_connections") == 0; }));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(payload.size()), snapshotInt("bytes_up"));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1), snapshotInt("tunnels_opened"));
  }

  void pkYggNamesReachTheKeysAddress() {
    rtk::PublicKey key;
    key.bytes.fill(0x42);
    network_.map("[" + rtk::formatAddress(rtk::address::addressForKey(key)) + "]:7", echo_->port());
    TestClient c(start());
    c.sendHex(kGreeting);
    c.receive(2);
    c.send(domainRequest(rtk::address::pkYggName(key), 7));
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), replyCode(c.socksReply()));
    c.send("ping");
    CPPUNIT_ASSERT_EQUAL(std::string("ping"), c.receive(4));
  }

  void replyCodesByCauseAndStillServing() {
    const std::string address = start();
    network_.map("[200::dead]:80", 1);  // nothing listens on 127.0.0.1:1
    const std::string pk63 = std::string(63, 'a') + ".pk.ygg";
    const std::vector<std::pair<std::string, std::uint8_t>> cases = {
        {"050100040200000000000000000000000000dead0050", 0x05},  // refused
        {"05010004020000000000000000000000000000010050", 0x04},  // no route on the overlay
        {"050100010a0102030050", 0x03},                          // IPv4, SystemProxy off
        {"05010004200100000000000000000000000000010050", 0x03},  // 2001::1, SystemProxy off
        {"050200040200123400000000000000000000000100500", 0x07}, // BIND
        {"05010009", 0x08},                                      // bad ATYP
    };
    for (const auto& [request, code] : cases) {
      TestClient c(address);
      c.sendHex(kGreeting);
      c.receive(2);
      c.sendHex(request);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(request, int(code), int(replyCode(c.socksReply())));
      CPPUNIT_ASSERT_MESSAGE(request, c.closedWithin(5000));
    }
    TestClient name(address);
    name.sendHex(kGreeting);
    name.receive(2);
    name.send(domainRequest(pk63, 80));
    CPPUNIT_ASSERT_EQUAL(int(0x04), int(replyCode(name.socksReply())));
    // Still serving.
    TestClient ok(address);
    ok.sendHex(kGreeting + kConnectEcho);
    CPPUNIT_ASSERT_EQUAL(std::string("\x05\x00", 2), ok.receive(2));
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), replyCode(ok.socksReply()));
    CPPUNIT_ASSERT(snapshotInt("dial_failures") >= 5);
  }

  void garbageAndTruncatedRequestsAreClosed() {
    const std::string address = start();
    TestClient garbage(address);
    garbage.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    CPPUNIT_ASSERT(garbage.closedWithin(5000));
    TestClient truncated(address);
    truncated.sendHex(kGreeting);
    truncated.receive(2);
    truncated.sendHex("0501000402001234");
    truncated.closeWrite();
    CPPUNIT_ASSERT(truncated.closedWithin(5000));
    CPPUNIT_ASSERT(eventually([&] { return snapshotInt("handshake_failures") == 2; }));
  }

  void halfHandshakesMakeRoomForRealClients() {
    ProxySettings settings;
    settings.maxConnections = 4;
    const std::string address = start(settings);
    std::vector<std::unique_ptr<TestClient>> slow;
    for (int i = 0; i < 12; ++i) {
      slow.push_back(std::make_unique<TestClient>(address));
      slow.back()->sendHex("05");  // half a greeting, then nothing
    }
    CPPUNIT_ASSERT(eventually([&] { return snapshotInt("accepted") == 12; }));
    TestClient real(address);
    real.sendHex(kGreeting + kConnectEcho);
    CPPUNIT_ASSERT_EQUAL(std::string("\x05\x00", 2), real.receive(2));
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), replyCode(real.socksReply()));
    real.send("hello");
    CPPUNIT_ASSERT_EQUAL(std::string("hello"), real.receive(5));
    CPPUNIT_ASSERT(snapshotInt("evicted_handshakes") >= 9);
    CPPUNIT_ASSERT(snapshotInt("active_connections") <= 4);
    int closed = 0;
    for (auto& s : slow) closed += s->closedWithin(0) ? 1 : 0;
    CPPUNIT_ASSERT(closed >= 9);
  }

  void fullOfSessionsWaitsThenServes() {
    ProxySettings settings;
    settings.maxConnections = 2;
    const std::string address = start(settings);
    auto a = std::make_unique<TestClient>(address);
    TestClient b(address);
    for (auto* c : {a.get(), &b}) {
      c->sendHex(kGreeting + kConnectEcho);
      c->receive(2);
      CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), replyCode(c->socksReply()));
    }
    TestClient waiting(address);  // in the kernel's backlog: not accepted yet
    waiting.sendHex(kGreeting + kConnectEcho);
    CPPUNIT_ASSERT(waiting.silentFor(300));
    a.reset();  // one tunnel ends
    CPPUNIT_ASSERT_EQUAL(std::string("\x05\x00", 2), waiting.receive(2));
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), replyCode(waiting.socksReply()));
    // Raising the limit while running admits one more at once.
    TestClient third(address);
    third.sendHex(kGreeting);
    CPPUNIT_ASSERT(third.silentFor(300));
    server_->setMaxConnections(3);
    CPPUNIT_ASSERT_EQUAL(std::string("\x05\x00", 2), third.receive(2));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(3), snapshotInt("max_connections"));
  }

  void handshakeTimeoutCloses() {
    ProxySettings settings;
    settings.handshakeTimeout = std::chrono::milliseconds(200);
    TestClient c(start(settings));
    c.sendHex("0501");
    CPPUNIT_ASSERT(c.closedWithin(5000));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1), snapshotInt("handshake_failures"));
  }

  void usernamePassword() {
    ProxySettings settings;
    settings.users = {{"alice", "s3cret"}};
    const std::string address = start(settings);
    TestClient ok(address);
    ok.sendHex(std::string(curl::kGreetingWithUser) + std::string(curl::kAuthAliceSecret) + kConnectEcho);
    CPPUNIT_ASSERT_EQUAL(std::string("\x05\x02\x01\x00", 4), ok.receive(4));
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), replyCode(ok.socksReply()));
    TestClient anonymous(address);
    anonymous.sendHex(kGreeting);
    CPPUNIT_ASSERT_EQUAL(std::string("\x05\xff", 2), anonymous.receive(2));
    CPPUNIT_ASSERT(anonymous.closedWithin(5000));
  }

  void httpConnectListener() {
    ProxySettings settings;
    settings.listen.push_back({"127.0.0.1:0", ListenSpec::Protocol::Http});
    TestClient c(start(settings));
    c.send("CONNECT [200:1234::1]:80 HTTP/1.1\r\nHost: [200:1234::1]:80\r\n\r\nearly");
    const std::string established = "HTTP/1.1 200 Connection established\r\n\r\n";
    CPPUNIT_ASSERT_EQUAL(established, c.receive(established.size()));
    CPPUNIT_ASSERT_EQUAL(std::string("early"), c.receive(5));
    TestClient bad(server_->boundAddresses().front());
    bad.send("CONNECT [200::beef]:80 HTTP/1.1\r\n\r\n");
    CPPUNIT_ASSERT(bad.receive(24).rfind("HTTP/1.1 502 Bad Gateway", 0) == 0);
  }

  void unixSocketListener() {
    rtk::test::TempDir dir("socks-server");
    ProxySettings settings;
    settings.listen.push_back({dir.file("socks.sock"), ListenSpec::Protocol::Socks});
    TestClient c(start(settings));
    CPPUNIT_ASSERT(c.connected());
    c.sendHex(kGreeting + kConnectEcho);
    c.receive(2);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), replyCode(c.socksReply()));
    c.send("over unix");
    CPPUNIT_ASSERT_EQUAL(std::string("over unix"), c.receive(9));
    server_->stop();
    CPPUNIT_ASSERT(!std::filesystem::exists(dir.file("socks.sock")));
  }

  void stopEndsActiveTunnels() {
    const std::string address = start();
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < 5; ++i) {
      clients.push_back(std::make_unique<TestClient>(address));
      clients.back()->sendHex(kGreeting + kConnectEcho);
      clients.back()->receive(2);
      CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), replyCode(clients.back()->socksReply()));
    }
    TestClient half(address);
    half.sendHex("05");
    CPPUNIT_ASSERT(eventually([&] { return snapshotInt("active_connections") == 6; }));
    server_->stop();
    for (auto& c : clients) CPPUNIT_ASSERT(c->closedWithin(5000));
    CPPUNIT_ASSERT(half.closedWithin(5000));
    TestClient refused(address);
    CPPUNIT_ASSERT(!refused.connected());
  }

 private:
  MappedNetwork network_;
  std::unique_ptr<EchoServer> echo_;
  std::unique_ptr<Resolver> resolver_;
  std::unique_ptr<UpstreamDialer> dialer_;
  std::unique_ptr<SocksServer> server_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SocksServerTest);
