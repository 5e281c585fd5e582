#include "ProcStats.hpp"

#include <ratatoskr/error.hpp>

#include "common/ProcessCounters.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace rtk::interop {

ProcStats ProcStats::read(pid_t pid) {
  const std::string base = "/proc/" + std::to_string(pid);
  ProcStats stats;
  stats.pid = pid;

  std::ifstream status(base + "/status");
  if (!status) throw Error(Errc::NotFound, "interop: process " + std::to_string(pid) + " is gone");
  for (std::string line; std::getline(status, line);) {
    std::istringstream fields(line);
    std::string key;
    fields >> key;
    if (key == "VmRSS:") fields >> stats.rssKiB;
    if (key == "VmHWM:") fields >> stats.peakRssKiB;
    if (key == "RssAnon:") fields >> stats.anonKiB;
    if (key == "RssFile:") fields >> stats.fileKiB;
  }

  std::ifstream statFile(base + "/stat");
  std::string stat((std::istreambuf_iterator<char>(statFile)), std::istreambuf_iterator<char>());
  // The command name (field 2) may contain spaces and parentheses: fields
  // after it are counted from the last ')'. utime and stime are fields 14, 15.
  const auto close = stat.rfind(')');
  if (close == std::string::npos) {
    throw Error(Errc::Protocol, "interop: cannot parse " + base + "/stat");
  }
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  for (int index = 3; index <= 15 && rest >> field; ++index) {
    if (index == 14) utime = std::stoull(field);
    if (index == 15) stime = std::stoull(field);
  }
  stats.cpuSeconds = static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));

  stats.threads = static_cast<int>(test::threadCount(pid));
  stats.fds = static_cast<int>(test::fdCount(pid));
  return stats;
}

std::string ProcStats::describe() const {
  char text[200];
  std::snprintf(text, sizeof text, "threads %d, fds %d, rss %.1f MiB (anon %.1f, file %.1f; peak %.1f MiB), cpu %.2f s",
                threads, fds, rssKiB / 1024.0, anonKiB / 1024.0, fileKiB / 1024.0, peakRssKiB / 1024.0, cpuSeconds);
  return text;
}

}  // namespace rtk::interop
