// Two nodes whose link the benchmark measures. The measurement logic
// (BenchMain.cpp: rate search, CPU per GB, tables) only sees this interface,
// so a pair of our nodes plugs in beside the real pair.
//
// Pairs: RealPair (two yggdrasil 0.5.12 with TUN, iperf3) and OurPair (two
// rtk_bench_node processes generating traffic through our userspace stack),
// both registered in pairFactories() in BenchMain.cpp.
// Thread-safety: one thread.
#pragma once

#include "Iperf3.hpp"
#include "Ping.hpp"

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace rtk::bench {

// Whole IPv6 packets of one size carried from the sender's packet boundary
// (TUN for real nodes, the packet interface for ours) to the receiver's.
struct PacketRate {
  std::uint64_t packets = 0;  // arrived
  std::uint64_t bytes = 0;    // arrived, whole IPv6 packets
  std::uint64_t offered = 0;  // handed to the sender's boundary (0: unknown)
  double seconds = 0;
  double packetsPerSecond() const { return seconds > 0 ? packets / seconds : 0; }
  double bitsPerSecond() const { return seconds > 0 ? bytes * 8.0 / seconds : 0; }
  double lossPercent() const { return offered > 0 ? 100.0 * (1.0 - static_cast<double>(packets) / offered) : 100.0; }
};

class BenchPair {
 public:
  virtual ~BenchPair() = default;
  // Column title, e.g. "real-real".
  virtual std::string label() const = 0;
  // Round trips from the sending node to the receiving one.
  virtual interop::PingResult rtt(int count) = 0;
  // Goodput from sender to receiver over the overlay.
  virtual interop::IperfResult tcp(int streams, int seconds) = 0;
  virtual interop::IperfResult udp(double rateBps, int payloadBytes, int seconds) = 0;
  // Packets of packetBytes offered at rateBps (whole packets, bits/s) for `seconds`.
  virtual PacketRate packets(int packetBytes, double rateBps, int seconds) = 0;
  // The node processes (for CPU and memory counters from /proc).
  virtual pid_t senderPid() = 0;
  virtual pid_t receiverPid() = 0;
};

}  // namespace rtk::bench
