// One Linux network namespace for the lifetime of the object.
//
// Created with `ip netns add`, loopback brought up; destroyed by killing every
// process still inside (SIGKILL) and `ip netns del`. Veth ends and TUN devices
// inside disappear with it. Names come from Lab ("rtki-<run>-<short>") so the
// reaper can tell stale namespaces of crashed runs from live ones.
//
// Commands run inside through `ip netns exec`, which enters the namespace and
// then exec()s the program, so the pid we hold is the program's own.
// Thread-safety: const members may be called from any thread.
#pragma once

#include "Subprocess.hpp"

#include <sys/types.h>

#include <string>
#include <vector>

namespace rtk::interop {

class Netns {
 public:
  // Creates the namespace and brings `lo` up. Throws rtk::Error(AlreadyExists)
  // if the name is taken, rtk::Error(Io) if iproute2 fails.
  explicit Netns(std::string name);
  // Kills whatever still runs inside and deletes the namespace; failures are
  // traced, never thrown.
  ~Netns();
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;

  const std::string& name() const { return name_; }

  // argv prefixed with `ip netns exec <name>`.
  std::vector<std::string> wrap(const std::vector<std::string>& argv) const;
  // Runs argv inside with a deadline (see Subprocess::run).
  RunResult run(const std::vector<std::string>& argv, int timeoutMs) const;
  // Like run(), but throws rtk::Error(Io) with RunResult::describe() unless ok().
  RunResult check(const std::vector<std::string>& argv, int timeoutMs) const;
  // Starts a long-running program inside, output appended to outputPath.
  Subprocess spawn(const std::vector<std::string>& argv, const std::string& outputPath) const;
  // Pids of every process whose network namespace is this one.
  std::vector<pid_t> pids() const;

  // Every namespace registered under /run/netns (any owner).
  static std::vector<std::string> list();
  static bool exists(const std::string& name);
  // Kills the processes inside `name` and deletes it. Returns how many
  // processes were killed. Used by the destructor and by the reaper.
  static int remove(const std::string& name);

 private:
  std::string name_;
};

}  // namespace rtk::interop
