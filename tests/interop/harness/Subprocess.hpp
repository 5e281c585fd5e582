// Child processes of interop runs: short commands with a deadline, and
// long-running daemons whose output goes to a log file.
//
// Why not Poco::Process: a test must be able to kill everything a command
// started (process group) and must never leave daemons running when it dies
// (PR_SET_PDEATHSIG), and waiting needs a deadline (pidfd + poll). Poco's
// process API offers none of the three.
//
// Every child runs in its own process group (pgid = pid), gets SIGKILL when
// the thread that spawned it exits, starts with default signal dispositions
// (the test runner ignores SIGPIPE; children must not inherit that), stdin
// from /dev/null and no inherited file descriptors above 2.
//
// Thread-safety: a Subprocess object belongs to one thread. Spawn daemons from
// a thread that outlives them (tests: the main thread), because the parent-
// death signal fires when the spawning *thread* exits.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace rtk::interop {

struct ExitStatus {
  int code = -1;   // exit code if the process exited, -1 if a signal killed it
  int signal = 0;  // the signal that killed it, 0 if it exited
  bool success() const { return signal == 0 && code == 0; }
  std::string describe() const;  // "exit 3" or "killed by signal 9 (Killed)"
};

struct RunResult {
  std::vector<std::string> argv;
  ExitStatus status;
  bool timedOut = false;  // the deadline passed and the group was killed
  std::string out;        // stdout, at most 32 MiB kept
  std::string err;        // stderr, at most 32 MiB kept
  double seconds = 0;     // wall time from start to exit
  bool ok() const { return !timedOut && status.success(); }
  // One line for error messages: "`ip netns add x`: exit 1 after 0.01 s: <stderr>".
  std::string describe() const;
};

// Joins argv into one shell-like line for messages (arguments with spaces quoted).
std::string commandLine(const std::vector<std::string>& argv);

class Subprocess {
 public:
  Subprocess() = default;  // holds no process
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  // Terminates a still-running child (SIGTERM, 2 s grace, SIGKILL).
  ~Subprocess();

  // Starts argv (argv[0] looked up on PATH) with stdout and stderr appended
  // to outputPath (created if missing). Throws rtk::Error(NotFound) when the
  // program cannot be executed, rtk::Error(Io) when the log cannot be opened.
  static Subprocess spawn(const std::vector<std::string>& argv, const std::string& outputPath);

  // Runs argv to completion or until timeoutMs passes; on timeout the whole
  // process group gets SIGKILL and timedOut is set. Never throws for the
  // child's own failure (see RunResult::ok); throws rtk::Error(NotFound) when
  // argv[0] cannot be executed.
  static RunResult run(const std::vector<std::string>& argv, int timeoutMs);

  bool valid() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // True while the child has not exited; reaps it when it has.
  bool running();
  // Waits up to timeoutMs for the child to exit; its status, or nullopt if it
  // is still running.
  std::optional<ExitStatus> waitFor(int timeoutMs);
  // Sends sig to the child's process group (no-op once the child is reaped).
  void signalGroup(int sig);
  // SIGTERM to the group, waits graceMs, then SIGKILL; returns the status.
  ExitStatus terminate(int graceMs);
  // The status once reaped.
  const std::optional<ExitStatus>& exitStatus() const { return status_; }

 private:
  Subprocess(pid_t pid, int pidfd) : pid_(pid), pidfd_(pidfd) {}
  void release();
  bool reapNoWait();

  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::optional<ExitStatus> status_;
};

}  // namespace rtk::interop
