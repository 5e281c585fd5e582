// The two host figures of rtk_bench_host, each measured on our host
// (ratatoskr, run from a conf file) and on the real yggdrasil 0.5.12, in
// network namespaces:
//   footprint: RSS and private memory with no peers, and with two peers
//     (two nodes of the same kind that the measured node dials; they run
//     in both cases), sampled settleSeconds after start and after both
//     peers are up;
//   links: threads and memory while the node holds `links` real handshaking
//     links (LinkCrowd) on its Listen port, and after they close.
// Not a test: numbers only. Throws rtk::Error when a node cannot start.
#pragma once

#include "ProcMemory.hpp"

#include <string>

namespace rtk::bench {

enum class NodeKind { Ours, Real };

struct Footprint {
  ProcMemory noPeers;
  ProcMemory twoPeers;
};

struct LinkScale {
  int asked = 0;
  int opened = 0;                 // handshakes completed
  int failed = 0;                 // not completed (why, in firstError)
  std::string firstError;
  int upAtNode = 0;               // peers the node's getPeers lists as up while held
  double openSeconds = 0;         // to open all of them, one after another
  std::uint64_t closedByNode = 0; // links the node dropped while held
  ProcMemory idle, held, afterClose;
};

Footprint measureFootprint(NodeKind kind, double settleSeconds);
LinkScale measureLinkScale(NodeKind kind, int links, double settleSeconds);

}  // namespace rtk::bench
