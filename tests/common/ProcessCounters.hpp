// Threads and open file descriptors of a process, from /proc: what tests
// count before and after to prove nothing is left behind. Shared by the unit
// suites and the interop harness. Thread-safety: any thread.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rtk::test {

// Entries of /proc/<pid>/task; 0 when the process is gone.
std::size_t threadCount(pid_t pid = ::getpid());
// A process's thread count once it has stayed the same for 100 ms (at most
// 5 s): a thread joined just before may still be listed for a moment, which
// would inflate a "before" figure that a test compares against.
std::size_t settledThreadCount(pid_t pid = ::getpid());
// Entries of /proc/<pid>/fd (for this process, including the one the count
// itself holds open while it reads); 0 when the process is gone.
std::size_t fdCount(pid_t pid = ::getpid());
// Each thread's name (/proc/<pid>/task/<tid>/comm, at most 15 characters).
std::vector<std::string> threadNames(pid_t pid = ::getpid());
// Threads of this process whose name starts with `prefix`, e.g. "rtk-".
std::size_t threadsNamed(std::string_view prefix);

}  // namespace rtk::test
