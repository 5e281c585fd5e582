#include "Reaper.hpp"

#include "Netns.hpp"
#include "RunLock.hpp"
#include "Trace.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <map>

namespace rtk::interop {
namespace {

// A run is live while someone holds its lock. A stale run's lock is taken
// here and kept (fd) until its namespaces are gone, so a parallel reaper
// skips it.
struct RunState {
  bool live = false;
  int fd = -1;  // our hold on a stale run's lock; -1 if none or no file
};

RunState classify(const std::string& runId) {
  const std::string path = RunLock::lockPath(runId);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return RunState{false, -1};  // no lock file: the lock precedes every namespace
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return RunState{true, -1};
  }
  return RunState{false, fd};
}

}  // namespace

ReapReport Reaper::reapStale() {
  ReapReport report;
  std::map<std::string, RunState> runs;
  auto stateOf = [&runs](const std::string& runId) -> RunState& {
    auto it = runs.find(runId);
    if (it == runs.end()) it = runs.emplace(runId, classify(runId)).first;
    return it->second;
  };

  // Lock files first: a stale run may have left a lock file and no namespace.
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(RunLock::kLockDir, ec)) {
    const std::string file = entry.path().filename().string();
    if (file.size() == RunLock::kRunIdLength + 5 && file.ends_with(".lock")) {
      stateOf(file.substr(0, RunLock::kRunIdLength));
    } else if (file.starts_with(".") && file.find(".tmp") != std::string::npos) {
      // A run that died between creating and publishing its lock.
      const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
      if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) == 0) ::unlink(entry.path().c_str());
      if (fd >= 0) ::close(fd);
    }
  }

  for (const auto& name : Netns::list()) {
    const auto runId = RunLock::runIdOf(name);
    if (!runId) continue;
    if (stateOf(*runId).live) continue;
    try {
      report.processesKilled += Netns::remove(name);
      report.namespaces.push_back(name);
      trace("reaper: removed stale netns " + name);
    } catch (const std::exception& e) {
      report.errors.push_back(name + ": " + e.what());
      trace("reaper: " + name + ": " + e.what());
    }
  }

  for (auto& [runId, state] : runs) {
    if (state.live) continue;
    report.runs.push_back(runId);
    if (state.fd >= 0) {
      ::unlink(RunLock::lockPath(runId).c_str());
      ::close(state.fd);
    }
  }
  return report;
}

}  // namespace rtk::interop
