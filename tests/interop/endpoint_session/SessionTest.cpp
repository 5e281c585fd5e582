// Issue 4 d: a session between our node and a real node survives a route
// change (the transit node it uses is killed; the other path takes over)
// and a rotation of our session keys under a long transfer (forced by
// moving the send nonce close to its wrap), with nothing delivered twice
// or corrupted.
//
//          +--- t1 (real) ---+
//   ours --+                 +-- r (real, TUN)
//          +--- t2 (real) ---+
//
// Traffic from ours to r: one TCP stream (the kernel receiver's SHA-256 must
// equal ours) and sequence-numbered UDP datagrams (counted by a receiver in
// r's namespace: no duplicate, no corrupt datagram; losses only while the
// route changes).
#include "CoreStack.hpp"
#include "Json.hpp"
#include "Ping.hpp"
#include "Tools.hpp"
#include "Trace.hpp"
#include "Wait.hpp"

#include <ratatoskr/net.hpp>

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

using namespace rtk;
using namespace rtk::interop;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::uint64_t kStreamBytes = 400ull * 1000 * 1000;

// UDP loss allowed, in datagrams (one every ~1.07 ms, ~10 000 in a run).
// Measured on a loaded 2-core machine (7 runs, 9 755..11 779 sent, 12..1 746
// lost): losses come in bursts after the kill only — the datagrams in
// flight through the killed transit and the 0..1.3 s until the route moves
// (8..1 276 lost, from ~60 sent before the kill on), then up to two more
// bursts of up to ~900 within ~4 s while the tree and the rotated keys
// settle — plus a few strays under the TCP stream's load (0..14 per run).
// So: before the kill (more than kLossLeadDatagrams ahead of it) and once
// settled (kSettledAfterDatagrams after it, ~5.3 s) at most kMaxSteadyLoss
// each (of ~3 000 before, 2 000..6 000 after): a stack that loses 1 % of
// its traffic fails there. In all at most kMaxTotalLoss (~3.2 s of traffic,
// 1.7x the worst run): a route change or key rotation that loses traffic
// for seconds fails there. The old allowance was half of everything sent.
constexpr std::int64_t kLossLeadDatagrams = 200;
constexpr std::int64_t kSettledAfterDatagrams = 5000;
constexpr std::uint64_t kMaxSteadyLoss = 30;
constexpr std::uint64_t kMaxTotalLoss = 3000;
constexpr std::size_t kMaxGapsListed = 1000;  // udp_seq.py lists at most this many gaps

std::uint64_t sentBytesTo(const RealNode& transit, const std::string& key) {
  const auto peers = transit.ctl().getPeers()->getArray("peers");
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < peers->size(); ++i) {
    const auto p = peers->getObject(static_cast<unsigned>(i));
    if (p->optValue<std::string>("key", "") == key) total += p->optValue<std::uint64_t>("bytes_sent", 0);
  }
  return total;
}

std::string readAll(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

class SessionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SessionTest);
  CPPUNIT_TEST(sessionSurvivesRouteChangeAndKeyRotation);
  CPPUNIT_TEST_SUITE_END();

 public:
  void sessionSurvivesRouteChangeAndKeyRotation() {
    Lab lab("ep-session");
    Netns& o = lab.addNetns("o");
    Netns& t1ns = lab.addNetns("t1");
    Netns& t2ns = lab.addNetns("t2");
    Netns& r = lab.addNetns("r");
    const VethLink& ot1 = lab.connect(t1ns, o);
    const VethLink& ot2 = lab.connect(t2ns, o);
    const VethLink& rt1 = lab.connect(t1ns, r);
    const VethLink& rt2 = lab.connect(t2ns, r);
    NodeSpec s1, s2, sr;
    s1.name = "t1";
    s1.listen = {"tcp://[::]:7100"};
    s2.name = "t2";
    s2.listen = {"tcp://[::]:7100"};
    sr.name = "r";
    sr.peers = {"tcp://[" + rt1.a().ipv6 + "]:7100", "tcp://[" + rt2.a().ipv6 + "]:7100"};
    RealNode& t1 = lab.addRealNode(s1, t1ns);
    RealNode& t2 = lab.addRealNode(s2, t2ns);
    RealNode& real = lab.addRealNode(sr, r);
    t1.start();
    t2.start();
    real.start();
    CoreStack ours(lab, o, "ours", {"tcp://[" + ot1.a().ipv6 + "]:7100", "tcp://[" + ot2.a().ipv6 + "]:7100"});
    waitUntil("ours reachable from r", 60000, [&] {
      return ping6(r, ours.address(), PingOptions{1, 2000, 0.2, 56}).allReceived();
    }, 200);
    const PublicKey realKey = *PublicKey::fromHex(real.publicKey());

    // Receivers in r's namespace: xfer (TCP, SHA-256) and the UDP counter.
    auto recvLog = lab.file("recv.log"), udpLog = lab.file("udp.log");
    Subprocess tcpSink = r.spawn({Tools::xfer(), "recv", real.address(), "9100", "180000"}, recvLog.string());
    Subprocess udpSink = r.spawn({"python3", std::string(RTK_ENDPOINT_SOURCE_DIR) + "/udp_seq.py", real.address(),
                                  "9200", "5"},
                                 udpLog.string());
    // Datagrams sent before the counter is bound would count as losses.
    waitUntil("udp_seq.py listening", 15000, [&] { return readAll(udpLog).rfind("listening", 0) == 0; });

    std::atomic<bool> stopUdp{false};
    std::atomic<std::uint64_t> udpSent{0};
    auto udp = std::async(std::launch::async, [&] {
      auto pc = ours.stack().listenPacket("udp", ":0");
      const Endpoint to = parseEndpoint("[" + real.address() + "]:9200");
      std::vector<std::uint8_t> d(1000);
      for (std::uint64_t seq = 0; !stopUdp; ++seq) {
        for (int i = 0; i < 8; ++i) d[i] = static_cast<std::uint8_t>(seq >> (56 - 8 * i));
        std::fill(d.begin() + 8, d.end(), static_cast<std::uint8_t>(seq & 0xff));
        pc->writeTo(d.data(), d.size(), to);
        ++udpSent;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });

    auto before = ours.core().sessions().sessionState(realKey);
    auto conn = ours.stack().dial("tcp", "[" + real.address() + "]:9100", DialOptions{Clock::now() + std::chrono::seconds(20), {}});
    // Sender: a seeded stream, paced to last ~12 s, so the route change happens in the middle.
    std::string sha;
    auto sender = std::async(std::launch::async, [&] {
      Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
      std::vector<std::uint8_t> buf(64 * 1024);
      std::uint64_t x = 0x9d5eed, left = kStreamBytes;
      const auto t0 = Clock::now();
      while (left > 0) {
        const std::size_t n = left < buf.size() ? static_cast<std::size_t>(left) : buf.size();
        for (std::size_t i = 0; i < n; ++i) {
          x = x * 6364136223846793005ull + 1442695040888963407ull;
          buf[i] = static_cast<std::uint8_t>(x >> 56);
        }
        engine.update(buf.data(), static_cast<unsigned>(n));
        conn->write(buf.data(), n);
        left -= n;
        const double due = static_cast<double>(kStreamBytes - left) / (kStreamBytes / 12.0);
        const double now = std::chrono::duration<double>(Clock::now() - t0).count();
        if (now < due) std::this_thread::sleep_for(std::chrono::duration<double>(due - now));
      }
      conn->closeWrite();
      char b[16];
      conn->setReadDeadline(Clock::now() + std::chrono::seconds(120));
      while (conn->read(b, sizeof b) != 0) {
      }
      conn->close();
      return Poco::DigestEngine::digestToHex(engine.digest());
    });

    // Which transit carries the session? The one whose link to r moves the bytes.
    std::this_thread::sleep_for(std::chrono::seconds(3));
    const std::uint64_t a1 = sentBytesTo(t1, real.publicKey()), a2 = sentBytesTo(t2, real.publicKey());
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const std::uint64_t d1 = sentBytesTo(t1, real.publicKey()) - a1, d2 = sentBytesTo(t2, real.publicKey()) - a2;
    RealNode& transit = d1 >= d2 ? t1 : t2;
    trace("transit carrying the session: " + transit.name() + " (" + std::to_string(d1) + " vs " +
          std::to_string(d2) + " bytes/s to r); killing it");
    CPPUNIT_ASSERT(std::max(d1, d2) > 1000000);
    const auto killedAt = Clock::now();
    const std::uint64_t seqAtKill = udpSent.load();
    transit.kill();

    // A key rotation under the running transfer: our send nonce is moved
    // 2000 packets short of wrapping; at the wrap the session rotates to its
    // next keys (Ironwood's nonce-overflow rotation; the once-a-minute
    // ratchet would need a transfer of more than a minute).
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const auto mid = ours.core().sessions().sessionState(realKey);
    ours.core().sessions().setSendNonceForTesting(realKey, ~std::uint64_t{0} - 2000);

    sha = sender.get();
    const double afterKill = std::chrono::duration<double>(Clock::now() - killedAt).count();
    stopUdp = true;
    udp.get();
    auto after = ours.core().sessions().sessionState(realKey);

    CPPUNIT_ASSERT(tcpSink.waitFor(30000).has_value());
    const std::string recv = readAll(recvLog);
    const auto tcpResult = parseJsonObject(recv.substr(recv.rfind('{')), "xfer recv");
    trace("tcp: " + std::to_string(tcpResult->getValue<std::uint64_t>("bytes")) + " bytes, finished " +
          std::to_string(afterKill) + " s after the kill");
    CPPUNIT_ASSERT_EQUAL(kStreamBytes, tcpResult->getValue<std::uint64_t>("bytes"));
    CPPUNIT_ASSERT_EQUAL(sha, tcpResult->getValue<std::string>("sha256"));

    CPPUNIT_ASSERT(udpSink.waitFor(30000).has_value());
    const std::string u = readAll(udpLog);
    const auto counts = parseJsonObject(u.substr(u.rfind('{')), "udp_seq.py");
    trace("udp: sent " + std::to_string(udpSent.load()) + ", " + toJson(counts, 0));
    // Losses by when they were sent, relative to the kill (one datagram is
    // ~1.07 ms). The tail after the last one received counts as late.
    const auto gaps = counts->getArray("gaps");
    const std::uint64_t sentTotal = udpSent.load();
    const std::uint64_t maxSeq = counts->getValue<std::uint64_t>("max_seq");
    std::string gapText;
    std::uint64_t lostBefore = 0, lostAfterSettling = sentTotal - 1 - maxSeq;
    auto tally = [&](std::int64_t first, std::int64_t last) {
      for (std::int64_t seq = first; seq <= last; ++seq) {
        if (seq < -kLossLeadDatagrams) ++lostBefore;
        if (seq >= kSettledAfterDatagrams) ++lostAfterSettling;
      }
    };
    for (std::size_t i = 0; i < gaps->size(); ++i) {
      const auto g = gaps->getArray(static_cast<unsigned>(i));
      const auto first = static_cast<std::int64_t>(g->getElement<std::uint64_t>(0) - seqAtKill);
      const auto last = static_cast<std::int64_t>(g->getElement<std::uint64_t>(1) - seqAtKill);
      gapText += (gapText.empty() ? "" : ", ") + std::to_string(first) + ".." + std::to_string(last);
      tally(first, last);
    }
    const std::uint64_t lost = sentTotal - counts->getValue<std::uint64_t>("distinct");
    trace("udp: lost " + std::to_string(lost) + " of " + std::to_string(sentTotal) + " (" +
          std::to_string(lostBefore) + " before the kill, " + std::to_string(lostAfterSettling) +
          " after the route settled); missing sequence numbers, relative to the one sent at the kill: " + gapText);
    CPPUNIT_ASSERT_EQUAL(0, counts->getValue<int>("duplicates"));
    CPPUNIT_ASSERT_EQUAL(0, counts->getValue<int>("corrupt"));
    CPPUNIT_ASSERT_MESSAGE("more gaps than udp_seq.py lists: steady loss", gaps->size() < kMaxGapsListed);
    CPPUNIT_ASSERT_MESSAGE("lost before the kill: " + std::to_string(lostBefore), lostBefore <= kMaxSteadyLoss);
    CPPUNIT_ASSERT_MESSAGE("lost after the route settled: " + std::to_string(lostAfterSettling),
                           lostAfterSettling <= kMaxSteadyLoss);
    CPPUNIT_ASSERT_MESSAGE("lost in all: " + std::to_string(lost), lost <= kMaxTotalLoss);

    // Our keys rotated while the transfer ran, and the real node kept accepting our traffic.
    CPPUNIT_ASSERT(before.has_value() && mid.has_value() && after.has_value());
    trace("session keys: local keySeq " + std::to_string(before->localKeySeq) + " -> " +
          std::to_string(mid->localKeySeq) + " -> " + std::to_string(after->localKeySeq) + ", remote keySeq " +
          std::to_string(before->remoteKeySeq) + " -> " + std::to_string(after->remoteKeySeq) + ", send nonce now " +
          std::to_string(after->sendNonce));
    CPPUNIT_ASSERT(after->localKeySeq > mid->localKeySeq);
    CPPUNIT_ASSERT(after->sendNonce < 1000000000);  // wrapped
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SessionTest);
