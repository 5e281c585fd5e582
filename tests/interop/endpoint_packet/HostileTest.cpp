// Issue 4 e: a hostile peer. An attacker core (ours, in-process) peers with
// the victim (ours, in-process), which peers with a real node. Through the
// attacker's router the test sends the victim malformed session packets,
// replays of captured sealed traffic, and a flood of session inits (validly
// signed, and signed by the wrong key). The victim must deliver each real
// packet exactly once, nothing else, and keep serving the real node.
#include "CoreNode.hpp"
#include "Icmp.hpp"
#include "Ping.hpp"
#include "Trace.hpp"
#include "Transport.hpp"
#include "Wait.hpp"

#include "core/crypto/Box.hpp"
#include "core/crypto/KeyConversion.hpp"
#include "core/session/SessionInit.hpp"
#include "core/session/SessionManager.hpp"
#include "core/session/SessionWire.hpp"

#include <ratatoskr/net.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <random>

using namespace rtk;
using namespace rtk::interop;
namespace session = rtk::core::session;

namespace {

// A PacketNetwork between a test-owned SessionManager and the attacker's
// router that records every sealed packet it sends.
class TapNetwork : public core::router::PacketNetwork {
 public:
  explicit TapNetwork(core::router::Router& router) : router_(router) {
    router_.setTrafficHandler([this](const PublicKey& from, core::Bytes payload) {
      TrafficHandler h;
      {
        std::lock_guard lock(mutex_);
        h = handler_;
      }
      if (h) h(from, std::move(payload));
    });
  }
  void sendTraffic(const PublicKey& dest, core::OffsetBytes payload) override {
    {
      std::lock_guard lock(mutex_);
      if (!payload.empty() && payload[0] == static_cast<std::uint8_t>(session::SessionPacketType::Traffic))
        sentTraffic_.emplace_back(payload.view().begin(), payload.view().end());
    }
    router_.sendTraffic(dest, std::move(payload));
  }
  void setTrafficHandler(TrafficHandler handler) override {
    std::lock_guard lock(mutex_);
    handler_ = std::move(handler);
  }
  void sendLookup(const PublicKey& key) override { router_.sendLookup(key); }
  std::uint64_t mtu() const override { return router_.mtu(); }
  std::vector<core::Bytes> sentTraffic() const {
    std::lock_guard lock(mutex_);
    return sentTraffic_;
  }

 private:
  core::router::Router& router_;
  mutable std::mutex mutex_;
  TrafficHandler handler_;
  std::vector<core::Bytes> sentTraffic_;
};

}  // namespace

class HostileTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HostileTest);
  CPPUNIT_TEST(malformedReplayedAndFloodedSessionPacketsAreDropped);
  CPPUNIT_TEST_SUITE_END();

 public:
  void malformedReplayedAndFloodedSessionPacketsAreDropped() {
    Lab lab("ep-hostile");
    Netns& rNs = lab.addNetns("r");
    Netns& vNs = lab.addNetns("v");
    Netns& aNs = lab.addNetns("a");
    const VethLink& rv = lab.connect(rNs, vNs);
    const VethLink& va = lab.connect(vNs, aNs);
    NodeSpec rs;
    rs.name = "real";
    rs.listen = {transportUri(Transport::Tcp, rv.a().ipv6, 7100)};
    RealNode& real = lab.addRealNode(rs, rNs);
    real.start();
    const std::string victimListen = transportUri(Transport::Tcp, va.a().ipv6, 7100);
    CoreNode victim(lab, vNs, "victim", {rs.listen[0]}, {victimListen});
    CoreNode attacker(lab, aNs, "attacker", {victimListen});
    waitUntil("attacker peered with the victim", 30000, [&] {
      return attacker.core().router().getPeers().size() == 1 && victim.core().router().getPeers().size() == 2;
    });

    // What the victim delivers: echo requests from the attacker, by sequence number; anything else counts.
    std::mutex m;
    std::map<std::uint16_t, int> deliveries;
    std::atomic<int> unexpected{0}, answered{0};
    const Ip6Address vAddr = victim.address(), aAddr = attacker.address();
    victim.setHandler([&](core::Bytes packet) {
      Echo e;
      if (parseEcho(packet, e) && e.type == kEchoRequest && e.source == aAddr && e.id == 0x0a77) {
        std::lock_guard lock(m);
        ++deliveries[e.seq];
        return;
      }
      if (parseEcho(packet, e) && e.type == kEchoRequest && e.destination == vAddr) {  // the real node's ping
        victim.write(buildEcho(Echo{vAddr, e.source, kEchoReply, e.id, e.seq, e.data}));
        ++answered;
        return;
      }
      ++unexpected;
    });

    // The real node reaches the victim before the attacks (its first packets wait for a path).
    waitUntil("real ping6 reaches the victim", 30000, [&] {
      return ping6(rNs, formatAddress(vAddr), PingOptions{1, 2000, 0.2, 56}).allReceived();
    }, 200);

    // 1. A session from a test-owned session layer on the attacker, sealed packets recorded.
    TapNetwork tap(attacker.core().router());
    session::SessionManager tapSessions(attacker.core().signingKey(), tap, Log());
    constexpr int kEchoes = 20;
    for (std::uint16_t seq = 0; seq < kEchoes; ++seq) {
      core::Bytes msg{1};  // yggdrasil session message type 1: an IPv6 packet
      const auto packet = buildEcho(Echo{aAddr, vAddr, kEchoRequest, 0x0a77, seq, core::Bytes(100, 0x5a)});
      msg.insert(msg.end(), packet.begin(), packet.end());
      if (seq == 0) {  // the first one waits for the path and the session: resend until it lands
        waitUntil("first packet through the attacker's session", 30000, [&] {
          tapSessions.writeTo(victim.key(), msg);
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
          std::lock_guard lock(m);
          return deliveries.count(0) != 0;
        }, 10);
        continue;
      }
      tapSessions.writeTo(victim.key(), msg);
    }
    waitUntil("all echoes delivered", 10000, [&] {
      std::lock_guard lock(m);
      return deliveries.size() == kEchoes;
    });
    const auto recorded = tap.sentTraffic();
    trace("session established; " + std::to_string(recorded.size()) + " sealed packets recorded");
    CPPUNIT_ASSERT(recorded.size() >= static_cast<std::size_t>(kEchoes - 1));

    // 2. Replays: every recorded sealed packet, 50 times.
    auto& router = attacker.core().router();
    for (int round = 0; round < 50; ++round)
      for (const auto& p : recorded) router.sendTraffic(victim.key(), p);

    // 3. Malformed session packets: random bodies under every type byte, truncated headers.
    std::mt19937 rng(4);
    const std::uint8_t types[] = {0, 1, 2, 3, 4, 0x7f, 0xff};
    for (int i = 0; i < 3000; ++i) {
      core::Bytes p(rng() % 400, 0);
      for (auto& b : p) b = static_cast<std::uint8_t>(rng());
      if (!p.empty()) p[0] = types[rng() % std::size(types)];
      if (i % 10 == 0) p = core::Bytes(session::kSessionInitSize, static_cast<std::uint8_t>(rng())), p[0] = 1;
      if (i % 10 == 1) p = core::Bytes{3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
      if (i % 10 == 2 && !recorded.empty()) {  // a recorded packet with one bit flipped
        p = recorded[rng() % recorded.size()];
        p[p.size() - 1 - rng() % 32] ^= 0x10;
      }
      router.sendTraffic(victim.key(), std::move(p));
    }

    // Let everything so far arrive before the flood changes the session's keys.
    std::this_thread::sleep_for(std::chrono::seconds(2));
    {
      std::lock_guard lock(m);
      for (const auto& [seq, n] : deliveries) CPPUNIT_ASSERT_EQUAL_MESSAGE("seq " + std::to_string(seq), 1, n);
      CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(kEchoes), deliveries.size());
    }

    // 4. Init flood: validly signed inits with fresh keys, and inits signed by another key.
    const auto victimBox = core::crypto::boxPublicFromEd(victim.key());
    const auto stranger = core::crypto::SigningKey::generate();
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 4000; ++i) {
      session::SessionInit init;
      init.current = core::crypto::BoxKeyPair::generate().publicKey;
      init.next = core::crypto::BoxKeyPair::generate().publicKey;
      init.keySeq = static_cast<std::uint64_t>(i);
      init.seq = static_cast<std::uint64_t>(std::time(nullptr)) + static_cast<std::uint64_t>(i);
      const auto& signer = (i % 2 == 0) ? attacker.core().signingKey() : stranger;
      router.sendTraffic(victim.key(), init.encode(session::SessionPacketType::Init, signer, victimBox,
                                                   core::crypto::BoxKeyPair::generate()));
    }
    trace("4000 inits sent in " +
          std::to_string(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()) + " s");

    // The victim still serves the real node, delivered nothing it should not have, and keeps bounded state.
    const PingResult ping = ping6(rNs, formatAddress(vAddr), PingOptions{5, 20000, 0.2, 56});
    victim.setHandler({});
    trace("after the attacks: real ping6 -> victim " + std::to_string(ping.received) + "/" +
          std::to_string(ping.sent) + "; unexpected deliveries " + std::to_string(unexpected.load()) +
          "; victim sessions " + std::to_string(victim.core().sessions().sessionCount()));
    CPPUNIT_ASSERT_MESSAGE(ping.run.describe(), ping.allReceived());
    CPPUNIT_ASSERT_EQUAL(0, unexpected.load());
    CPPUNIT_ASSERT(victim.core().sessions().sessionCount() <= 3);
    CPPUNIT_ASSERT(real.running());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HostileTest);
