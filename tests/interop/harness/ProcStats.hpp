// Resource use of one process from /proc: threads, open fds, memory, CPU.
// Thread-safety: any thread.
#pragma once

#include <sys/types.h>

#include <string>

namespace rtk::interop {

struct ProcStats {
  pid_t pid = -1;
  int threads = 0;        // entries of /proc/<pid>/task
  int fds = 0;            // entries of /proc/<pid>/fd
  long rssKiB = 0;        // VmRSS
  long peakRssKiB = 0;    // VmHWM (high-water mark of RSS)
  long anonKiB = 0;       // RssAnon: heap, stacks, anonymous mappings
  long fileKiB = 0;       // RssFile: pages of the binary and libraries mapped in
  double cpuSeconds = 0;  // utime + stime of /proc/<pid>/stat, all threads

  // Reads the process' current numbers. Throws rtk::Error(NotFound) if the
  // process is gone, rtk::Error(Protocol) if /proc cannot be parsed.
  static ProcStats read(pid_t pid);
  // "threads 9, fds 14, rss 21.3 MiB (anon 4.1, file 17.2; peak 24.0 MiB), cpu 0.42 s".
  std::string describe() const;
};

}  // namespace rtk::interop
