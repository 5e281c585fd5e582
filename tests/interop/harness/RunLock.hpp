// The mark of a live interop run: an flock()ed file /run/rtk-interop/<run>.lock
// held for the run's whole life, and the naming rule that ties namespaces to
// their run ("rtki-<run>-<short>").
//
// The kernel drops the lock when the process dies, however it dies, so a lock
// that can be taken belongs to a crashed run: that is how the Reaper tells
// stale namespaces from those of a parallel live run. The file appears under
// its final name already locked (created under a temporary name, locked, then
// renamed), and before any namespace of the run exists.
// Thread-safety: an object belongs to one thread; static members any thread.
#pragma once

#include <optional>
#include <string>

namespace rtk::interop {

class RunLock {
 public:
  static constexpr const char* kLockDir = "/run/rtk-interop";
  static constexpr const char* kNetnsPrefix = "rtki-";
  static constexpr std::size_t kRunIdLength = 8;

  // Takes a new random run id and holds its lock. `label` is written into the
  // file for people reading /run/rtk-interop. Throws rtk::Error(Io).
  explicit RunLock(const std::string& label);
  // Unlinks the lock file and releases the lock.
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  const std::string& runId() const { return runId_; }
  // "rtki-<run>-<shortName>".
  std::string netnsName(const std::string& shortName) const;

  // The run id inside a namespace name made by netnsName(), if it is one.
  static std::optional<std::string> runIdOf(const std::string& netnsName);
  static std::string lockPath(const std::string& runId);

 private:
  std::string runId_;
  int fd_ = -1;
};

}  // namespace rtk::interop
