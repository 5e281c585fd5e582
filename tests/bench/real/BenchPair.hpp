// Two nodes whose link the benchmark measures. The measurement logic
// (BenchMain.cpp: rate search, CPU per GB, tables) only sees this interface,
// so a pair of our nodes plugs in beside the real pair.
//
// Extension point "ours": an OurPair would start two OurNode (Lab::addOurNode)
// peered over tcp:// on a veth and generate traffic *through our userspace
// stack* (no TUN): e.g. iperf3 in each namespace against loopback ports that
// our forward/socks plugins map onto the overlay, or a load plugin. It then
// implements the same five functions and registers itself in pairFactories()
// in BenchMain.cpp.
// Thread-safety: one thread.
#pragma once

#include "Iperf3.hpp"
#include "Ping.hpp"

#include <sys/types.h>

#include <string>

namespace rtk::bench {

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
  // The node processes (for CPU and memory counters from /proc).
  virtual pid_t senderPid() = 0;
  virtual pid_t receiverPid() = 0;
};

}  // namespace rtk::bench
