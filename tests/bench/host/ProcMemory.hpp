// Memory of one process from /proc/<pid>/smaps_rollup: resident set and its
// private part (pages no other process maps: heap, stacks, written data;
// what a second instance would add), plus the thread count.
#pragma once

#include <sys/types.h>

namespace rtk::bench {

struct ProcMemory {
  double rssMiB = 0;      // Rss
  double privateMiB = 0;  // Private_Clean + Private_Dirty
  int threads = 0;

  // Throws rtk::Error(NotFound) when the process is gone, Protocol when
  // smaps_rollup has no Rss line.
  static ProcMemory read(pid_t pid);
};

}  // namespace rtk::bench
