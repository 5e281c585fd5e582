#include "Node.hpp"

#include "Json.hpp"
#include "Tools.hpp"
#include "Trace.hpp"
#include "Wait.hpp"

#include <ratatoskr/error.hpp>

#include <chrono>
#include <csignal>
#include <deque>
#include <fstream>

namespace rtk::interop {
namespace {

bool isHex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

}  // namespace

Node::Node(NodeSpec spec, const Netns& netns, std::filesystem::path dir)
    : spec_(std::move(spec)),
      netns_(netns),
      dir_(std::move(dir)),
      publicKey_(publicKeyOf(spec_.privateKeyHex)),
      ctl_(adminEndpoint()) {
  std::filesystem::create_directories(dir_);
}

Node::~Node() {
  try {
    stop(3000);
  } catch (const std::exception& e) {
    trace(spec_.name + ": stop failed: " + e.what());
  }
}

std::string Node::publicKeyOf(const std::string& privateKeyHex) {
  if (privateKeyHex.size() != 128 || !isHex(privateKeyHex)) {
    throw Error(Errc::InvalidArgument, "interop: a private key is 128 hex characters, got " +
                                           std::to_string(privateKeyHex.size()));
  }
  return privateKeyHex.substr(64);
}

std::string Node::generatePrivateKey() {
  const RunResult r = Subprocess::run({Tools::yggdrasil(), "-genconf", "-json"}, 15000);
  if (!r.ok()) throw Error(Errc::Io, "interop: key generation: " + r.describe());
  const auto conf = parseJsonObject(r.out, "interop: yggdrasil -genconf -json");
  const std::string key = conf->optValue<std::string>("PrivateKey", "");
  publicKeyOf(key);  // validates
  return key;
}

// yggdrasil 0.5.12 opens its admin socket before it has registered every
// handler: a request in between (our readiness poll) can kill it with this Go
// runtime error in admin.go (seen once in CI). Its bug, not what any test
// here is about.
constexpr const char* kAdminStartupRace = "fatal error: concurrent map read and map write";

long Node::start(int readyTimeoutMs) {
  bool knownStartupCrash = false;
  try {
    return startOnce(readyTimeoutMs, knownStartupCrash);
  } catch (const Error&) {
    if (!knownStartupCrash) throw;
    trace(spec_.name + ": died of yggdrasil's admin start-up race; starting it once more");
  }
  return startOnce(readyTimeoutMs, knownStartupCrash);
}

long Node::startOnce(int readyTimeoutMs, bool& knownStartupCrash) {
  if (running()) throw Error(Errc::AlreadyExists, "interop: " + spec_.name + " is already running");
  writeConfig(confPath());
  std::error_code ec;
  std::filesystem::remove(adminSocketPath(), ec);  // left behind by a SIGKILL
  const auto argv = processArgv();
  {
    std::ofstream log(logPath(), std::ios::app);
    log << "=== interop harness: start #" << ++starts_ << " in netns " << netns_.name() << ": "
        << commandLine(argv) << " ===\n";
  }
  const auto began = std::chrono::steady_clock::now();
  process_ = netns_.spawn(argv, logPath().string());
  bool died = false;
  try {
    waitUntil(spec_.name + " admin socket " + adminSocketPath().string(), readyTimeoutMs, [&] {
      if (!process_.running()) {
        died = true;
        return true;
      }
      return ctl_.answers();
    });
  } catch (const Error& e) {
    throw Error(e.code(), std::string(e.what()) + "\n--- " + logPath().string() + " (tail) ---\n" +
                              logTail(30));
  }
  if (died) {
    const std::string tail = logTail(30);
    knownStartupCrash = lastStartLogs(kAdminStartupRace);
    throw Error(Errc::Io, "interop: " + spec_.name + " (" + kind() + ") exited while starting: " +
                              process_.exitStatus().value_or(ExitStatus{}).describe() + "\n--- " +
                              logPath().string() + " (tail) ---\n" + tail);
  }
  const auto self = ctl_.getSelf();
  const std::string key = self->optValue<std::string>("key", "");
  if (key != publicKey_) {
    throw Error(Errc::Protocol, "interop: " + spec_.name + ": getSelf key " + key +
                                    " differs from the configured key " + publicKey_);
  }
  address_ = self->optValue<std::string>("address", "");
  const long ms = static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now() - began)
                                        .count());
  trace(spec_.name + ": " + kind() + " up, pid " + std::to_string(process_.pid()) + ", " + address_ +
        ", admin ready after " + std::to_string(ms) + " ms");
  return ms;
}

void Node::stop(int graceMs) {
  if (!process_.valid() || process_.exitStatus()) return;
  const ExitStatus status = process_.terminate(graceMs);
  trace(spec_.name + ": stopped (" + status.describe() + ")");
}

void Node::kill() {
  if (!process_.valid() || process_.exitStatus()) return;
  process_.signalGroup(SIGKILL);
  if (!process_.waitFor(5000)) {
    throw Error(Errc::Timeout, "interop: " + spec_.name + " survived SIGKILL for 5 s");
  }
  trace(spec_.name + ": killed");
}

long Node::restart(int readyTimeoutMs) {
  stop();
  return start(readyTimeoutMs);
}

bool Node::running() { return process_.running(); }

pid_t Node::pid() { return running() ? process_.pid() : -1; }

bool Node::lastStartLogs(std::string_view text) const {
  // The Go runtime prints the error above every goroutine's stack: not in the tail.
  std::ifstream in(logPath());
  bool found = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("=== interop harness: start #", 0) == 0) found = false;
    if (line.find(text) != std::string::npos) found = true;
  }
  return found;
}

std::string Node::logTail(std::size_t lines) const {
  std::ifstream in(logPath());
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string text;
  for (const auto& line : last) text += line + "\n";
  return text;
}

}  // namespace rtk::interop
