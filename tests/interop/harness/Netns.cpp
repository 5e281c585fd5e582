#include "Netns.hpp"

#include "Tools.hpp"
#include "Trace.hpp"

#include <ratatoskr/error.hpp>

#include <csignal>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

namespace rtk::interop {
namespace {

constexpr int kIpTimeoutMs = 10000;

std::vector<pid_t> pidsOf(const std::string& name) {
  const RunResult r = Subprocess::run({Tools::ip(), "netns", "pids", name}, kIpTimeoutMs);
  std::vector<pid_t> pids;
  if (!r.ok()) return pids;
  std::istringstream lines(r.out);
  for (long pid; lines >> pid;) {
    if (pid > 1) pids.push_back(static_cast<pid_t>(pid));
  }
  return pids;
}

}  // namespace

Netns::Netns(std::string name) : name_(std::move(name)) {
  const auto existing = list();
  for (const auto& n : existing) {
    if (n == name_) throw Error(Errc::AlreadyExists, "interop: netns " + name_ + " already exists");
  }
  const RunResult add = Subprocess::run({Tools::ip(), "netns", "add", name_}, kIpTimeoutMs);
  if (!add.ok()) throw Error(Errc::Io, "interop: netns " + name_ + ": " + add.describe());
  const RunResult lo =
      Subprocess::run({Tools::ip(), "-n", name_, "link", "set", "lo", "up"}, kIpTimeoutMs);
  if (!lo.ok()) {
    remove(name_);
    throw Error(Errc::Io, "interop: netns " + name_ + ": lo up: " + lo.describe());
  }
  // Linux flushes static IPv6 addresses when a link goes down; fault
  // injection (VethLink::setUp) must get the same addresses back.
  const RunResult keep = run({"sh", "-c",
                              "echo 1 > /proc/sys/net/ipv6/conf/all/keep_addr_on_down && "
                              "echo 1 > /proc/sys/net/ipv6/conf/default/keep_addr_on_down"},
                             kIpTimeoutMs);
  if (!keep.ok()) {
    remove(name_);
    throw Error(Errc::Io, "interop: netns " + name_ + ": keep_addr_on_down: " + keep.describe());
  }
}

Netns::~Netns() {
  try {
    remove(name_);
  } catch (const std::exception& e) {
    trace("netns " + name_ + ": removal failed: " + e.what());
  }
}

std::vector<std::string> Netns::wrap(const std::vector<std::string>& argv) const {
  std::vector<std::string> full{Tools::ip(), "netns", "exec", name_};
  full.insert(full.end(), argv.begin(), argv.end());
  return full;
}

RunResult Netns::run(const std::vector<std::string>& argv, int timeoutMs) const {
  return Subprocess::run(wrap(argv), timeoutMs);
}

RunResult Netns::check(const std::vector<std::string>& argv, int timeoutMs) const {
  RunResult r = run(argv, timeoutMs);
  if (!r.ok()) throw Error(Errc::Io, "interop: netns " + name_ + ": " + r.describe());
  return r;
}

Subprocess Netns::spawn(const std::vector<std::string>& argv, const std::string& outputPath) const {
  return Subprocess::spawn(wrap(argv), outputPath);
}

std::vector<pid_t> Netns::pids() const { return pidsOf(name_); }

std::vector<std::string> Netns::list() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/run/netns", ec)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

bool Netns::exists(const std::string& name) {
  std::error_code ec;
  return std::filesystem::exists("/run/netns/" + name, ec);
}

int Netns::remove(const std::string& name) {
  int killed = 0;
  // Processes keep a namespace alive after `ip netns del`; kill them first and
  // wait (bounded) until none is left, so veth names and ports are free again.
  for (int round = 0; round < 50; ++round) {
    const auto pids = pidsOf(name);
    if (pids.empty()) break;
    for (pid_t pid : pids) {
      if (::kill(pid, SIGKILL) == 0 && round == 0) ++killed;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  RunResult del;
  for (int attempt = 0; attempt < 5; ++attempt) {
    del = Subprocess::run({Tools::ip(), "netns", "del", name}, kIpTimeoutMs);
    if (del.ok()) return killed;
    std::error_code ec;
    if (!std::filesystem::exists("/run/netns/" + name, ec)) return killed;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  throw Error(Errc::Io, "interop: netns " + name + ": " + del.describe());
}

}  // namespace rtk::interop
