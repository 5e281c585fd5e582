// Loss inside our own node: two cores peered over TCP on loopback, each
// with a netstack attached through LossyPackets, which drops a fraction of
// the IPv6 packets the netstack hands to the core. The links, router and
// sessions below carry everything they are given, so the only recovery is
// lwIP's TCP: what arrives must be every byte, in order, unchanged.
// Figures (throughput, drops, retransmits) are printed, never asserted.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>

#include "LossyPackets.hpp"
#include "NodeTestSupport.hpp"
#include "netstack/Netstack.hpp"

using namespace std::chrono_literals;

namespace {

// Bytes sent at each loss rate. The issue asks for 1 GiB intact at both.
// Measured (RelWithDebInfo, shared 2-core machine, load ~6): 1 GiB takes
// 10.7 s at 1 % (100 MB/s) but 227 s at 5 % (4.7 MB/s): lwIP 2.1 leaves fast
// recovery on the first partial ACK and does not act on SACK, so with 64 KiB
// segments and ~3 losses per 4 MiB window every loss after the first waits
// for a retransmission timeout (≥ 200 ms). CI's budget cannot hold that, so
// 5 % moves 64 MiB (15..20 s); RTK_LOSS_TEST_FULL=1 in the environment moves
// 1 GiB at both rates. Under a sanitizer every copy in lwIP is instrumented
// (CI's clang ASan tree, the TSan job): 256 MiB and 16 MiB, the same paths
// (ASan: 39..65 MB/s at 1 %, 3.1..3.9 MB/s at 5 %; 16 s in all).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RTK_LOSS_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define RTK_LOSS_TEST_SANITIZED 1
#endif
#endif
#ifdef RTK_LOSS_TEST_SANITIZED
constexpr std::uint64_t kOnePercentBytes = 256ull << 20;
constexpr std::uint64_t kFivePercentBytes = 16ull << 20;
#else
constexpr std::uint64_t kOnePercentBytes = 1ull << 30;
constexpr std::uint64_t kFivePercentBytes = 64ull << 20;
#endif
constexpr std::uint64_t kFullBytes = 1ull << 30;

std::uint64_t bytesFor(std::uint64_t configured) {
  const char* full = std::getenv("RTK_LOSS_TEST_FULL");
  return full && std::string(full) == "1" ? kFullBytes : configured;
}

constexpr std::size_t kBlock = 1 << 20;

// The payload: block b of the stream is a pseudo-random 1 MiB derived from
// (seed, b), so the receiver checks every byte without keeping a copy.
void fillBlock(std::vector<std::uint8_t>& block, std::uint64_t seed, std::uint64_t index) {
  std::uint64_t x = seed * 0x9e3779b97f4a7c15ull + index + 1;
  for (std::size_t i = 0; i < block.size(); i += 8) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    std::memcpy(block.data() + i, &x, 8);
  }
}

bool peerUp(rtk::core::node::Core& core, const rtk::PublicKey& key) {
  for (const auto& p : core.links().getPeers())
    if (p.up && p.key == key) return true;
  return false;
}

// Two cores (A listens, B dials), each with a netstack behind LossyPackets.
struct LossyPair {
  explicit LossyPair(std::uint64_t seed) {
    rtk::NodeConfig configA;
    configA.listen = {"tcp://127.0.0.1:0"};
    a = rtk::test::makeCore("loss-a", configA);
    rtk::NodeConfig configB;
    configB.peers = {a->links().listeners().front().uri};
    b = rtk::test::makeCore("loss-b", configB);
    lossyA = std::make_unique<rtk::test::LossyPackets>(a->packets(), seed);
    lossyB = std::make_unique<rtk::test::LossyPackets>(b->packets(), seed + 1);
    stackA = std::make_unique<rtk::netstack::Netstack>(*lossyA, rtk::test::nodeTestLog("loss-stack-a"));
    stackB = std::make_unique<rtk::netstack::Netstack>(*lossyB, rtk::test::nodeTestLog("loss-stack-b"));
  }
  ~LossyPair() {
    stackB->close();
    stackA->close();
    b->stop();
    a->stop();
  }
  std::unique_ptr<rtk::core::node::Core> a, b;
  std::unique_ptr<rtk::test::LossyPackets> lossyA, lossyB;
  std::unique_ptr<rtk::netstack::Netstack> stackA, stackB;
};

struct Received {
  std::uint64_t bytes = 0;
  std::uint64_t firstMismatch = UINT64_MAX;  // stream offset of the first wrong byte
};

}  // namespace

class PacketLossTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PacketLossTest);
  CPPUNIT_TEST(oneGibIntactAtOnePercentLoss);
  CPPUNIT_TEST(intactAtFivePercentLoss);
  CPPUNIT_TEST_SUITE_END();

 public:
  void oneGibIntactAtOnePercentLoss() { transferUnderLoss(0.01, bytesFor(kOnePercentBytes), 101); }
  void intactAtFivePercentLoss() { transferUnderLoss(0.05, bytesFor(kFivePercentBytes), 105); }

 private:
  static void transferUnderLoss(double loss, std::uint64_t total, std::uint64_t seed) {
    LossyPair pair(seed);
    CPPUNIT_ASSERT_MESSAGE("the cores never peered", rtk::test::eventually([&] {
                             return peerUp(*pair.a, pair.b->publicKey()) && peerUp(*pair.b, pair.a->publicKey());
                           }, 15s));
    auto listener = pair.stackA->listen("tcp", ":7100");
    const std::string target = rtk::formatEndpoint(rtk::Endpoint{pair.a->packets().address(), 7100});
    // Connect without loss (the first packets wait for the path lookup);
    // the loss starts with the data.
    auto conn = pair.stackB->dial("tcp", target, {std::chrono::steady_clock::now() + 30s, {}});
    auto accepted = listener->accept(std::chrono::steady_clock::now() + 30s);
    pair.lossyA->setLoss(loss);
    pair.lossyB->setLoss(loss);

    Received got;
    std::thread reader([&] {
      std::vector<std::uint8_t> expected(kBlock), buf(256 << 10);
      std::uint64_t filledFor = UINT64_MAX;
      for (;;) {
        std::size_t n = accepted->read(buf.data(), buf.size());
        if (n == 0) break;
        for (std::size_t done = 0; done < n;) {
          const std::uint64_t block = got.bytes / kBlock;
          const std::size_t at = static_cast<std::size_t>(got.bytes % kBlock);
          if (block != filledFor) fillBlock(expected, seed, filledFor = block);
          const std::size_t take = std::min(n - done, kBlock - at);
          if (got.firstMismatch == UINT64_MAX && std::memcmp(buf.data() + done, expected.data() + at, take) != 0)
            got.firstMismatch = got.bytes;
          done += take;
          got.bytes += take;
        }
      }
    });
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::uint8_t> block(kBlock);
    for (std::uint64_t i = 0; i < total / kBlock; ++i) {
      fillBlock(block, seed, i);
      conn->write(block.data(), block.size());
    }
    conn->close();
    reader.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const auto sender = pair.stackB->counters();
    const auto receiver = pair.stackA->counters();
    std::cout << "\n  " << loss * 100 << " % loss at the packet layer: " << (total >> 20) << " MiB in "
              << seconds << " s (" << (total / 1e6) / seconds << " MB/s); dropped "
              << pair.lossyB->dropped() << " of " << pair.lossyB->sent() << " data-side packets and "
              << pair.lossyA->dropped() << " of " << pair.lossyA->sent() << " ACK-side; lwIP retransmits: sender "
              << sender.tcpRetransmits << ", receiver " << receiver.tcpRetransmits << "\n";

    CPPUNIT_ASSERT_EQUAL(total, got.bytes);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("first corrupted byte offset", UINT64_MAX, got.firstMismatch);
    // The dropper did drop about the asked fraction, and TCP had to resend.
    const double dropped = static_cast<double>(pair.lossyB->dropped()) / static_cast<double>(pair.lossyB->sent());
    CPPUNIT_ASSERT(dropped > loss * 0.5 && dropped < loss * 1.5);
    CPPUNIT_ASSERT(sender.tcpRetransmits > 0);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PacketLossTest);
