// A node process in a namespace, driven through its admin socket: the part
// real yggdrasil nodes (RealNode) and our host (OurNode) share.
//
// Files live in the node's directory: the conf the subclass writes, node.log
// (stdout+stderr, appended across restarts with a marker line per start) and
// admin.sock. The private key is fixed at construction, so the public key is
// known before start and survives restarts.
//
// Errors: rtk::Error(Io) when the process cannot start or dies while
// starting (the message carries the log tail), rtk::Error(Timeout) when the
// admin socket does not answer in time, rtk::Error(Protocol) when getSelf
// reports another key than the one configured.
// Thread-safety: one thread (the test's).
#pragma once

#include "Netns.hpp"
#include "NodeSpec.hpp"
#include "Subprocess.hpp"
#include "Yggctl.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace rtk::interop {

class Node {
 public:
  // spec.privateKeyHex must be set (Lab fills it). Creates `dir`.
  Node(NodeSpec spec, const Netns& netns, std::filesystem::path dir);
  // Stops the process (SIGTERM, then SIGKILL).
  virtual ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  const std::string& name() const { return spec_.name; }
  const NodeSpec& spec() const { return spec_; }
  // Changes take effect at the next start().
  NodeSpec& mutableSpec() { return spec_; }
  const Netns& netns() const { return netns_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path logPath() const { return dir_ / "node.log"; }
  std::filesystem::path adminSocketPath() const { return dir_ / "admin.sock"; }
  virtual std::filesystem::path confPath() const = 0;

  const std::string& publicKey() const { return publicKey_; }
  // The 200::/7 address reported by getSelf at the last start (empty before).
  const std::string& address() const { return address_; }
  const Yggctl& ctl() const { return ctl_; }

  // "yggdrasil" or "ratatoskr".
  virtual const char* kind() const = 0;
  // Whether the node has a kernel TUN interface in its namespace (real nodes
  // do; ours answers on its address from its userspace stack).
  virtual bool hasTun() const = 0;

  // Writes the conf, starts the process in the namespace, waits until the
  // admin socket answers and getSelf shows our key. Returns the ms it took.
  // A real node that dies of yggdrasil 0.5.12's admin start-up race (see
  // Node.cpp) is started once more.
  long start(int readyTimeoutMs = 20000);
  // Graceful stop: SIGTERM, SIGKILL after graceMs.
  void stop(int graceMs = 5000);
  // A crash: SIGKILL, no chance to close links.
  void kill();
  // stop() (if running) then start().
  long restart(int readyTimeoutMs = 20000);
  bool running();
  // Pid of the node process; -1 when not running.
  pid_t pid();

  // Last `lines` lines of node.log.
  std::string logTail(std::size_t lines) const;

  // A fresh Ed25519 private key (hex) from `yggdrasil -genconf -json`.
  static std::string generatePrivateKey();
  // The public half of a 64-byte Ed25519 private key in hex (its last 32 bytes).
  static std::string publicKeyOf(const std::string& privateKeyHex);

 protected:
  virtual void writeConfig(const std::filesystem::path& path) const = 0;
  virtual std::vector<std::string> processArgv() const = 0;
  std::string adminEndpoint() const { return "unix://" + adminSocketPath().string(); }

 private:
  // One start; `knownStartupCrash` is set when the process died of the race.
  long startOnce(int readyTimeoutMs, bool& knownStartupCrash);
  // Whether the log of the latest start holds a line containing `text`.
  bool lastStartLogs(std::string_view text) const;

  NodeSpec spec_;
  const Netns& netns_;
  std::filesystem::path dir_;
  std::string publicKey_;
  std::string address_;
  Yggctl ctl_;
  Subprocess process_;
  int starts_ = 0;
};

}  // namespace rtk::interop
