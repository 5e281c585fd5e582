// Removes what crashed interop runs left behind: namespaces named
// "rtki-<run>-*" whose run lock (RunLock) nobody holds, the processes still
// inside them (yggdrasil nodes, relays, iperf3 servers), and their lock files.
//
// Namespaces of live runs, in this process or another, are never touched, so
// any number of suites may run in parallel. Every Lab reaps on construction;
// `rtk_interop_reap` (scripts/interop/reap) does it by hand.
// Thread-safety: any thread; concurrent reapers are safe (each stale run is
// claimed by taking its lock).
#pragma once

#include <string>
#include <vector>

namespace rtk::interop {

struct ReapReport {
  std::vector<std::string> runs;        // stale run ids cleaned
  std::vector<std::string> namespaces;  // namespaces deleted
  int processesKilled = 0;
  std::vector<std::string> errors;      // removals that failed (traced too)
};

class Reaper {
 public:
  static ReapReport reapStale();
};

}  // namespace rtk::interop
