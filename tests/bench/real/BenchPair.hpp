// Two nodes whose link the benchmark measures. The measurement logic
// (BenchMain.cpp: rate search, CPU per GB, tables) only sees this interface,
// so a pair of our nodes plugs in beside the real pair.
//
// Pairs: RealPair (two yggdrasil 0.5.12 with TUN, iperf3) and OurPair (two
// rtk_bench_node processes generating traffic through our userspace stack),
// both registered in pairFactories() in BenchMain.cpp.
//
// Every run counts the bytes of its whole duration (no warm-up left out),
// so CPU sampled around the call covers exactly the bytes counted.
// Thread-safety: one thread.
#pragma once

#include "Iperf3.hpp"
#include "Ping.hpp"

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rtk::bench {

// UDP datagrams of one payload size, socket to socket.
struct Datagrams {
  int payloadBytes = 0;
  std::uint64_t offered = 0;    // sent by the sending socket
  std::uint64_t delivered = 0;  // read by the receiving socket
  double seconds = 0;
  double offeredRateBps = 0;    // payload bits/s asked for (set by the search)
  double cpuRunLossPercent = 0; // loss of the search's CPU run at that rate
  double packetsPerSecond() const { return seconds > 0 ? delivered / seconds : 0; }
  double payloadBitsPerSecond() const { return seconds > 0 ? delivered * payloadBytes * 8.0 / seconds : 0; }
  double lossPercent() const {
    return offered > 0 ? 100.0 * (1.0 - static_cast<double>(delivered) / static_cast<double>(offered)) : 100.0;
  }
};

class BenchPair {
 public:
  virtual ~BenchPair() = default;
  // Column title, e.g. "real-real".
  virtual std::string label() const = 0;
  // Round trips from the sending node to the receiving one.
  virtual interop::PingResult rtt(int count) = 0;
  // Goodput from sender to receiver over the overlay: every byte the
  // receiver got during the run (receivedBytes), retransmits if measured.
  virtual interop::IperfResult tcp(int streams, int seconds) = 0;
  // Whether tcp() counts the sender's TCP retransmissions.
  virtual bool measuresRetransmits() const = 0;
  // Datagrams of payloadBytes at rateBps payload bits/s for `seconds`.
  virtual Datagrams datagrams(int payloadBytes, double rateBps, int seconds) = 0;
  // The node processes (for CPU and memory counters from /proc).
  virtual pid_t senderPid() = 0;
  virtual pid_t receiverPid() = 0;
  // Long-running traffic tools outside the nodes (iperf3 -s); short-lived
  // ones are reaped children of the benchmark and counted as such.
  virtual std::vector<pid_t> toolPids() = 0;
};

}  // namespace rtk::bench
