#include "ProcMemory.hpp"

#include "common/ProcessCounters.hpp"

#include <ratatoskr/error.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace rtk::bench {

ProcMemory ProcMemory::read(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/smaps_rollup";
  std::ifstream in(path);
  if (!in) throw Error(Errc::NotFound, "bench: " + path + " cannot be read (process gone?)");
  long rssKiB = -1, privateKiB = 0, anonymousKiB = 0;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string key;
    long kib = 0;
    fields >> key >> kib;
    if (key == "Rss:") rssKiB = kib;
    if (key == "Private_Clean:" || key == "Private_Dirty:") privateKiB += kib;
    if (key == "Anonymous:") anonymousKiB = kib;
  }
  if (rssKiB < 0) throw Error(Errc::Protocol, "bench: no Rss line in " + path);
  ProcMemory m;
  m.rssMiB = rssKiB / 1024.0;
  m.privateMiB = privateKiB / 1024.0;
  m.anonymousMiB = anonymousKiB / 1024.0;
  m.threads = static_cast<int>(test::threadCount(pid));
  return m;
}

}  // namespace rtk::bench
