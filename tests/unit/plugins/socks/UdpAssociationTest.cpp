#include <cppunit/extensions/HelperMacros.h>

#include <thread>

#include "TestClient.hpp"
#include "UdpEchoServer.hpp"
#include "ratatoskr/address.hpp"
#include "server/SocksServer.hpp"

using namespace rtk::plugins::socks;
using namespace rtk::plugins::socks::test;

namespace {

// A client's UDP socket on 127.0.0.1 talking to the relay.
class RelayClient {
 public:
  explicit RelayClient(std::uint16_t relayPort) : relayPort_(relayPort) {
    fd_.reset(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin);
  }
  void send(const std::string& datagram) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(relayPort_);
    ::sendto(fd_.get(), datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  // One datagram within waitMs, or empty.
  std::string receive(int waitMs = 5000) {
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, waitMs) <= 0) return {};
    char buf[65536];
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }

 private:
  std::uint16_t relayPort_;
  Fd fd_;
};

template <class F>
bool soon(F ready) {
  for (int i = 0; i < 500; ++i) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return ready();
}

}  // namespace

// UDP ASSOCIATE end to end on loopback: the relay, pinning, headers, caps.
class UdpAssociationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(UdpAssociationTest);
  CPPUNIT_TEST(datagramsComeBackInTheClientsHeader);
  CPPUNIT_TEST(namesStayNamesInReplies);
  CPPUNIT_TEST(otherSourcesAndFragmentsAreDropped);
  CPPUNIT_TEST(targetCapsAndQueues);
  CPPUNIT_TEST(nonYggdrasilTargetsAreDroppedWithoutSystemProxy);
  CPPUNIT_TEST(closingTheControlConnectionEndsIt);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    echo_ = std::make_unique<UdpEchoServer>();
    network_.map("[200:1234::1]:7", echo_->port());
    resolver_ = std::make_unique<Resolver>(network_, ResolverSettings{});
    dialer_ = std::make_unique<UpstreamDialer>(network_, *resolver_, false);
  }
  void tearDown() override {
    control_.reset();
    if (server_) server_->stop();
    server_.reset();
    dialer_.reset();
    resolver_.reset();
    echo_.reset();
  }

  // Starts the server, runs UDP ASSOCIATE and returns the relay port.
  std::uint16_t associate(ProxySettings settings = {}) {
    settings.listen.push_back({"127.0.0.1:0", ListenSpec::Protocol::Socks});
    server_ = std::make_unique<SocksServer>(settings, *dialer_, rtk::Log());
    server_->start();
    control_ = std::make_unique<TestClient>(server_->boundAddresses().front());
    control_->sendHex("050100" "05030001000000000000");
    CPPUNIT_ASSERT_EQUAL(std::string("\x05\x00", 2), control_->receive(2));
    std::string reply = control_->socksReply();
    CPPUNIT_ASSERT_EQUAL(std::size_t(10), reply.size());
    CPPUNIT_ASSERT_EQUAL(0, int(reply[1]));
    CPPUNIT_ASSERT_EQUAL(std::string("\x7f\x00\x00\x01", 4), reply.substr(4, 4));  // on the control connection's local IP
    return static_cast<std::uint16_t>(static_cast<std::uint8_t>(reply[8]) << 8 | static_cast<std::uint8_t>(reply[9]));
  }

  std::int64_t snapshotInt(const char* key) { return server_->snapshot().get(key).asInt64(); }

  void datagramsComeBackInTheClientsHeader() {
    RelayClient client(associate());
    const std::string header = hexText("00000004020012340000000000000000000000010007");
    // Windows of 16: within the target's queue (64 packets), so none is dropped.
    int back = 0;
    for (int window = 0; window < 100; window += 16) {
      const int end = std::min(window + 16, 100);
      for (int i = window; i < end; ++i) client.send(header + "datagram " + std::to_string(i));
      for (int i = window; i < end; ++i) {
        std::string d = client.receive();
        if (d.empty()) break;
        CPPUNIT_ASSERT_EQUAL(header, d.substr(0, header.size()));
        CPPUNIT_ASSERT(d.substr(header.size()).rfind("datagram ", 0) == 0);
        ++back;
      }
    }
    CPPUNIT_ASSERT_EQUAL(100, back);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1), snapshotInt("associate_targets"));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1), snapshotInt("associations"));
  }

  void namesStayNamesInReplies() {
    rtk::PublicKey key;
    key.bytes.fill(0x24);
    UdpEchoServer second;  // its own port: replies map back to this target alone
    network_.map("[" + rtk::formatAddress(rtk::address::addressForKey(key)) + "]:7", second.port());
    RelayClient client(associate());
    const std::string name = rtk::address::pkYggName(key);
    std::string header = std::string(3, '\0') + "\x03" + static_cast<char>(name.size()) + name + std::string("\x00\x07", 2);
    client.send(header + "by name");
    CPPUNIT_ASSERT_EQUAL(header + "by name", client.receive());
  }

  void otherSourcesAndFragmentsAreDropped() {
    const std::uint16_t relay = associate();
    RelayClient pinned(relay), other(relay);
    const std::string header = hexText("00000004020012340000000000000000000000010007");
    pinned.send(header + "first");
    CPPUNIT_ASSERT_EQUAL(header + "first", pinned.receive());
    other.send(header + "intruder");
    pinned.send(hexText("00000104020012340000000000000000000000010007") + "fragment");
    pinned.send(hexText("0000") + "junk");
    CPPUNIT_ASSERT(other.receive(300).empty());
    CPPUNIT_ASSERT(pinned.receive(300).empty());
    CPPUNIT_ASSERT(soon([&] { return snapshotInt("dropped_associate_packets") == 3; }));
    CPPUNIT_ASSERT_EQUAL(1, echo_->echoed());
  }

  void targetCapsAndQueues() {
    ProxySettings settings;
    settings.associate.maxTargetsPerSession = 2;
    RelayClient client(associate(settings));
    network_.map("[200:1234::2]:7", echo_->port());
    network_.map("[200:1234::3]:7", echo_->port());
    for (const char* last : {"1", "2", "3"})
      client.send(hexText(std::string("000000040200123400000000000000000000000") + last + "0007") + "x");
    int back = 0;
    while (!client.receive(500).empty()) ++back;
    CPPUNIT_ASSERT_EQUAL(2, back);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1), snapshotInt("rejected_associate_targets"));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(2), snapshotInt("associate_targets"));
    auto sessions = server_->snapshot().get("sessions");
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), sessions.at(0).get("targets").size());
  }

  void nonYggdrasilTargetsAreDroppedWithoutSystemProxy() {
    RelayClient client(associate());
    client.send(hexText("000000017f0000010035") + "to 127.0.0.1:53");
    CPPUNIT_ASSERT(client.receive(300).empty());
    CPPUNIT_ASSERT(soon([&] { return snapshotInt("dropped_associate_packets") == 1; }));
    auto targets = server_->snapshot().get("sessions").at(0).get("targets");
    CPPUNIT_ASSERT_EQUAL(std::string("failed"), targets.at(0).get("state").asString());
  }

  void closingTheControlConnectionEndsIt() {
    RelayClient client(associate());
    client.send(hexText("00000004020012340000000000000000000000010007") + "x");
    CPPUNIT_ASSERT(!client.receive().empty());
    control_.reset();
    CPPUNIT_ASSERT(soon([&] { return snapshotInt("active_connections") == 0; }));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(0), snapshotInt("associate_targets"));
  }

 private:
  MappedNetwork network_;
  std::unique_ptr<UdpEchoServer> echo_;
  std::unique_ptr<Resolver> resolver_;
  std::unique_ptr<UpstreamDialer> dialer_;
  std::unique_ptr<SocksServer> server_;
  std::unique_ptr<TestClient> control_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(UdpAssociationTest);
