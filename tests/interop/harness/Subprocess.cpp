#include "Subprocess.hpp"

#include "Trace.hpp"

#include <ratatoskr/error.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <sstream>

extern char** environ;

namespace rtk::interop {
namespace {

constexpr std::size_t kMaxCapturedBytes = 32u << 20;
// After the child exited, how long its pipes may stay open (held by a
// grandchild that escaped the group) before we stop reading them.
constexpr int kPipeLingerMs = 500;
// After a timeout kill, how long we still drain the pipes.
constexpr int kDrainAfterKillMs = 2000;

using Clock = std::chrono::steady_clock;

std::string resolveProgram(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::vector<std::string> candidates;
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty()) candidates.push_back(dir);
  }
  for (const char* extra : {"/usr/sbin", "/sbin"}) candidates.emplace_back(extra);
  for (const auto& dir : candidates) {
    const std::string full = dir + "/" + program;
    if (::access(full.c_str(), X_OK) == 0) return full;
  }
  throw Error(Errc::NotFound, "interop: program `" + program + "` not found on PATH");
}

void closeFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

ExitStatus decodeStatus(int status) {
  ExitStatus result;
  if (WIFEXITED(status)) {
    result.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

// fork + exec with the guarantees listed in Subprocess.hpp. Only
// async-signal-safe calls happen in the child: everything it needs is built
// before fork().
pid_t launch(const std::vector<std::string>& argv, int inFd, int outFd, int errFd) {
  if (argv.empty()) throw Error(Errc::InvalidArgument, "interop: empty command line");
  const std::string program = resolveProgram(argv[0]);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  int execError[2];
  if (::pipe2(execError, O_CLOEXEC) != 0) {
    throw Error(Errc::Io, std::string("interop: pipe2: ") + std::strerror(errno));
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::close(execError[0]);
    ::close(execError[1]);
    throw Error(Errc::Io, std::string("interop: fork: ") + std::strerror(e));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    ::dup2(inFd, 0);
    ::dup2(outFd, 1);
    ::dup2(errFd, 2);
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    ::execve(program.c_str(), args.data(), environ);
    const int e = errno;
    [[maybe_unused]] const auto n = ::write(execError[1], &e, sizeof e);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from the parent, so signalGroup() never races the child
  ::close(execError[1]);
  int childErrno = 0;
  ssize_t n;
  do {
    n = ::read(execError[0], &childErrno, sizeof childErrno);
  } while (n < 0 && errno == EINTR);
  ::close(execError[0]);
  if (n == static_cast<ssize_t>(sizeof childErrno)) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    throw Error(Errc::NotFound,
                "interop: cannot execute " + program + ": " + std::strerror(childErrno));
  }
  return pid;
}

int openPidfd(pid_t pid) {
  // Through syscall(): glibc 2.36's <sys/pidfd.h> lacks extern "C" (fixed in 2.37).
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) {
    throw Error(Errc::Io, "interop: pidfd_open(" + std::to_string(pid) + "): " + std::strerror(errno));
  }
  return fd;
}

int msUntil(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

std::string ExitStatus::describe() const {
  if (signal != 0) {
    return "killed by signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
  }
  return "exit " + std::to_string(code);
}

std::string commandLine(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& arg : argv) {
    if (!line.empty()) line += ' ';
    if (arg.empty() || arg.find_first_of(" \t'\"") != std::string::npos) {
      line += '\'' + arg + '\'';
    } else {
      line += arg;
    }
  }
  return line;
}

std::string RunResult::describe() const {
  std::ostringstream s;
  s << '`' << commandLine(argv) << "`: ";
  if (timedOut) {
    s << "timed out (killed) after ";
  } else {
    s << status.describe() << " after ";
  }
  s.precision(2);
  s << std::fixed << seconds << " s";
  std::string detail = err.empty() ? out : err;
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  if (detail.size() > 600) detail = "..." + detail.substr(detail.size() - 600);
  if (!detail.empty()) s << ": " << detail;
  return s.str();
}

Subprocess::Subprocess(Subprocess&& other) noexcept
    : pid_(other.pid_), pidfd_(other.pidfd_), status_(other.status_) {
  other.pid_ = -1;
  other.pidfd_ = -1;
  other.status_.reset();
}

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  if (this != &other) {
    release();
    pid_ = other.pid_;
    pidfd_ = other.pidfd_;
    status_ = other.status_;
    other.pid_ = -1;
    other.pidfd_ = -1;
    other.status_.reset();
  }
  return *this;
}

Subprocess::~Subprocess() { release(); }

void Subprocess::release() {
  if (pid_ > 0 && !status_) {
    try {
      terminate(2000);
    } catch (const std::exception& e) {
      trace("subprocess: pid " + std::to_string(pid_) + ": terminate failed: " + e.what());
    }
  }
  closeFd(pidfd_);
  pid_ = -1;
  status_.reset();
}

Subprocess Subprocess::spawn(const std::vector<std::string>& argv, const std::string& outputPath) {
  const int out = ::open(outputPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) {
    throw Error(Errc::Io, "interop: cannot open log " + outputPath + ": " + std::strerror(errno));
  }
  const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_t pid = -1;
  try {
    pid = launch(argv, in, out, out);
  } catch (...) {
    ::close(in);
    ::close(out);
    throw;
  }
  ::close(in);
  ::close(out);
  return Subprocess(pid, openPidfd(pid));
}

bool Subprocess::reapNoWait() {
  if (status_) return true;
  if (pid_ <= 0) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = decodeStatus(status);
    return true;
  }
  if (r < 0 && errno == ECHILD) {
    // Someone else reaped it (should not happen); treat it as gone.
    status_ = ExitStatus{};
    return true;
  }
  return false;
}

bool Subprocess::running() { return valid() && !reapNoWait(); }

std::optional<ExitStatus> Subprocess::waitFor(int timeoutMs) {
  if (!valid()) return std::nullopt;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
  while (!reapNoWait()) {
    const int left = msUntil(deadline);
    if (left == 0) return std::nullopt;
    pollfd p{pidfd_, POLLIN, 0};
    const int r = ::poll(&p, 1, left);
    if (r < 0 && errno != EINTR) {
      throw Error(Errc::Io, std::string("interop: poll(pidfd): ") + std::strerror(errno));
    }
  }
  return status_;
}

void Subprocess::signalGroup(int sig) {
  if (!valid() || status_) return;
  if (::kill(-pid_, sig) != 0 && errno == ESRCH) ::kill(pid_, sig);
}

ExitStatus Subprocess::terminate(int graceMs) {
  if (!valid()) return ExitStatus{};
  if (status_) return *status_;
  signalGroup(SIGTERM);
  if (auto status = waitFor(graceMs)) return *status;
  trace("subprocess: pid " + std::to_string(pid_) + " ignored SIGTERM for " +
        std::to_string(graceMs) + " ms; sending SIGKILL");
  signalGroup(SIGKILL);
  if (auto status = waitFor(5000)) return *status;
  throw Error(Errc::Timeout, "interop: pid " + std::to_string(pid_) + " survived SIGKILL for 5 s");
}

RunResult Subprocess::run(const std::vector<std::string>& argv, int timeoutMs) {
  RunResult result;
  result.argv = argv;
  int outPipe[2];
  int errPipe[2];
  if (::pipe2(outPipe, O_CLOEXEC) != 0) {
    throw Error(Errc::Io, std::string("interop: pipe2: ") + std::strerror(errno));
  }
  if (::pipe2(errPipe, O_CLOEXEC) != 0) {
    const int e = errno;
    ::close(outPipe[0]);
    ::close(outPipe[1]);
    throw Error(Errc::Io, std::string("interop: pipe2: ") + std::strerror(e));
  }
  int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const auto start = Clock::now();
  pid_t pid = -1;
  try {
    pid = launch(argv, in, outPipe[1], errPipe[1]);
  } catch (...) {
    for (int fd : {in, outPipe[0], outPipe[1], errPipe[0], errPipe[1]}) ::close(fd);
    throw;
  }
  closeFd(in);
  closeFd(outPipe[1]);
  closeFd(errPipe[1]);
  Subprocess child(pid, openPidfd(pid));

  int fds[2] = {outPipe[0], errPipe[0]};
  std::string* sinks[2] = {&result.out, &result.err};
  auto deadline = start + std::chrono::milliseconds(timeoutMs);
  std::optional<Clock::time_point> exitedAt;
  char buffer[65536];
  for (;;) {
    const bool pipesOpen = fds[0] >= 0 || fds[1] >= 0;
    if (!exitedAt && child.reapNoWait()) exitedAt = Clock::now();
    if (!pipesOpen && exitedAt) break;
    if (exitedAt && Clock::now() - *exitedAt > std::chrono::milliseconds(kPipeLingerMs)) break;
    if (Clock::now() >= deadline) {
      if (result.timedOut) break;  // drain time after the kill is over too
      result.timedOut = true;
      ::kill(-pid, SIGKILL);
      deadline = Clock::now() + std::chrono::milliseconds(kDrainAfterKillMs);
      continue;
    }
    pollfd polls[3];
    nfds_t count = 0;
    for (int fd : fds) {
      if (fd >= 0) polls[count++] = pollfd{fd, POLLIN, 0};
    }
    if (!exitedAt) polls[count++] = pollfd{child.pidfd_, POLLIN, 0};
    int wait = msUntil(deadline);
    if (exitedAt) wait = std::min(wait, kPipeLingerMs);
    const int r = ::poll(polls, count, wait);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw Error(Errc::Io, std::string("interop: poll: ") + std::strerror(errno));
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i] < 0) continue;
      for (nfds_t k = 0; k < count; ++k) {
        if (polls[k].fd != fds[i] || polls[k].revents == 0) continue;
        const ssize_t n = ::read(fds[i], buffer, sizeof buffer);
        if (n > 0) {
          const std::size_t room = kMaxCapturedBytes - std::min(kMaxCapturedBytes, sinks[i]->size());
          sinks[i]->append(buffer, std::min<std::size_t>(room, static_cast<std::size_t>(n)));
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
          closeFd(fds[i]);
        }
      }
    }
  }
  closeFd(fds[0]);
  closeFd(fds[1]);
  if (!child.status_) {
    child.signalGroup(SIGKILL);
    child.waitFor(5000);
  }
  result.status = child.status_.value_or(ExitStatus{});
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace rtk::interop
