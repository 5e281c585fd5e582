// Memory of one process from /proc/<pid>/smaps_rollup: resident set, its
// private part (pages no other process maps right now: heap, stacks,
// written data, and file pages such as a binary's text when no other
// process maps that file, so it depends on what else runs), the anonymous
// part (heap, stacks: independent of other processes), and the threads.
#pragma once

#include <sys/types.h>

namespace rtk::bench {

struct ProcMemory {
  double rssMiB = 0;      // Rss
  double privateMiB = 0;  // Private_Clean + Private_Dirty
  double anonymousMiB = 0;  // Anonymous
  int threads = 0;

  // Throws rtk::Error(NotFound) when the process is gone, Protocol when
  // smaps_rollup has no Rss line.
  static ProcMemory read(pid_t pid);
};

}  // namespace rtk::bench
