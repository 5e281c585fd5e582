// Runs the real yggdrasil 0.5.12 on loopback for interop tests: no TUN
// ("IfName": "none"), no multicast, an admin socket in its own temp dir,
// debug logging to a file the test can search.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/TempDir.hpp"
#include "core/crypto/Ed25519.hpp"
#include "support/FakeRegistry.hpp"

extern char** environ;

namespace rtk::test {

inline std::uint16_t freeTcpPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
  socklen_t len = sizeof sin;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  ::close(fd);
  return ntohs(sin.sin_port);
}

inline std::string jsonList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", \"" : "\"") + items[i] + "\"";
  return out + "]";
}

class RealNode {
 public:
  struct Options {
    std::string privateKeyHex;  // empty: a fresh key
    std::vector<std::string> listen, peers, allowedPublicKeys;
  };

  explicit RealNode(Options options) {
    if (options.privateKeyHex.empty()) options.privateKeyHex = core::crypto::SigningKey::generate().hex();
    key_ = core::crypto::SigningKey::fromHex(options.privateKeyHex).publicKey();
    admin_ = "unix://" + dir_.file("admin.sock");
    std::ofstream conf(dir_.file("node.json"));
    conf << "{\n  \"PrivateKey\": \"" << options.privateKeyHex << "\",\n"
         << "  \"Peers\": " << jsonList(options.peers) << ",\n"
         << "  \"Listen\": " << jsonList(options.listen) << ",\n"
         << "  \"AllowedPublicKeys\": " << jsonList(options.allowedPublicKeys) << ",\n"
         << "  \"AdminListen\": \"" << admin_ << "\",\n"
         << "  \"MulticastInterfaces\": [],\n  \"IfName\": \"none\",\n  \"NodeInfoPrivacy\": true\n}\n";
    conf.close();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    std::string logPath = dir_.file("node.log");
    posix_spawn_file_actions_addopen(&actions, 1, logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::string confPath = dir_.file("node.json");
    std::vector<std::string> args = {RTK_YGGDRASIL_BIN, "-useconffile", confPath, "-loglevel", "debug"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, RTK_YGGDRASIL_BIN, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " RTK_YGGDRASIL_BIN);
    if (!waitLog("admin socket listening", std::chrono::seconds(20)))
      throw std::runtime_error("yggdrasil did not start; its log:\n" + log());
  }

  ~RealNode() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 500 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (::waitpid(pid_, &status, WNOHANG) == 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
    }
  }

  const PublicKey& key() const { return key_; }
  const std::string& dir() const { return dir_.path(); }

  std::string log() const {
    std::ifstream in(dir_.file("node.log"));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  bool waitLog(const std::string& needle, std::chrono::milliseconds timeout) const {
    return waitUntil([&] { return log().find(needle) != std::string::npos; }, timeout);
  }
  // yggdrasilctl -json against this node's admin socket; its output.
  std::string ctl(const std::string& command) const {
    std::string cmd = std::string(RTK_YGGDRASILCTL_BIN) + " -json -endpoint " + admin_ + " " + command + " 2>&1";
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
      char buf[4096];
      while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
      ::pclose(p);
    }
    return out;
  }

 private:
  TempDir dir_{"link-node"};
  std::string admin_;
  PublicKey key_;
  pid_t pid_ = -1;
};

}  // namespace rtk::test
