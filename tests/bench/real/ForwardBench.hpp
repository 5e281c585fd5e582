// The forward plugin's rows of scripts/bench: single-stream TCP goodput
// (iperf3) through forwards, with the whole machine's CPU seconds per GB
// received, to be set beside the real TUN pair measured in the same run.
//
//   LocalTCP:   iperf3 -c in o's namespace -> o's LocalTCP -> r's iperf3 -s on r's TUN address
//   RemoteTCP:  r's iperf3 -c -> [o]:port -> o's RemoteTCP -> iperf3 -s on o's loopback
//   ours-ours:  iperf3 -c -> a's LocalTCP -> b's RemoteTCP -> iperf3 -s on b's loopback
//               (yggstack-style forwards at both ends)
// o, a, b are our host (ratatoskr + forward.so) as separate processes; r is
// yggdrasil 0.5.12 with TUN; each pair in two namespaces joined by one veth.
// Not a test: numbers only.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "RealPair.hpp"

namespace rtk::bench {

struct ForwardRow {
  std::string metric;
  double value = 0;
  bool isCpu = false;  // compared with the real pair's CPU s/GB, else with its goodput
};

std::vector<ForwardRow> measureForwards(const PairOptions& options, int seconds);

}  // namespace rtk::bench
