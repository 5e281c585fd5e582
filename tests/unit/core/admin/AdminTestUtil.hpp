// Socket, process and file helpers for the admin tests. Every wait is
// bounded so a broken server fails the test instead of hanging it.
#pragma once

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/TempDir.hpp"
#include "core/admin/RequestFramer.hpp"
#include "core/proto/Json.hpp"

namespace rtk::test {

// Connects to "unix:///path" or "tcp://host:port"; -1 on failure.
inline int connectTo(const std::string& endpoint) {
  if (endpoint.rfind("unix://", 0) == 0) {
    std::string path = endpoint.substr(7);
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }
  std::string hp = endpoint.substr(endpoint.find("://") + 3);
  auto colon = hp.rfind(':');
  std::string host = hp.substr(0, colon), port = hp.substr(colon + 1);
  if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0) return -1;
  int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int rc = ::connect(fd, res->ai_addr, res->ai_addrlen);
  ::freeaddrinfo(res);
  if (rc != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline bool sendAll(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads until `until` is found (or EOF when empty), at most `timeoutMs`.
inline std::string readUntil(int fd, const std::string& until = {}, int timeoutMs = 10000) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  char buf[4096];
  for (;;) {
    if (!until.empty() && out.find(until) != std::string::npos) return out;
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    if (left <= 0) return out;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, left) <= 0) return out;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

// True when the peer closed the connection within timeoutMs.
inline bool closedByPeer(int fd, int timeoutMs = 10000) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, timeoutMs) <= 0) return false;
  char c;
  return ::recv(fd, &c, 1, MSG_PEEK) <= 0;
}

// As socat does: write the request, half-close, read the reply to EOF.
inline std::string exchange(const std::string& endpoint, const std::string& request) {
  int fd = connectTo(endpoint);
  if (fd < 0) return "<connect failed>";
  sendAll(fd, request);
  ::shutdown(fd, SHUT_WR);
  std::string reply = readUntil(fd);
  ::close(fd);
  return reply;
}

struct CommandResult {
  int status = -1;
  std::string output;
};

// Runs a command line through /bin/sh, stdout and stderr together.
inline CommandResult run(const std::string& command) {
  CommandResult r;
  FILE* f = ::popen((command + " 2>&1").c_str(), "r");
  if (!f) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) r.output.append(buf, n);
  int st = ::pclose(f);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string unhex(const std::string& h) {
  std::string out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

// Polls `condition` every 50 ms for up to timeoutMs (readiness, not timing).
template <class F>
bool eventually(F&& condition, int timeoutMs = 20000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

// A child process we started; SIGTERM then SIGKILL on destruction.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::string& logPath) {
    pid_ = ::fork();
    if (pid_ == 0) {
      int fd = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Child() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

}  // namespace rtk::test

namespace rtk::test {

// The reference binaries from Debian's yggdrasil package (in /usr/sbin, which
// is not on every user's PATH).
inline std::string referenceBinary(const std::string& name) {
  for (const char* dir : {"/usr/sbin/", "/usr/bin/", "/usr/local/sbin/", "/usr/local/bin/"}) {
    std::string p = std::string(dir) + name;
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return name;
}

// yggdrasilctl [-json] <args> against `endpoint`.
inline CommandResult yggdrasilctl(const std::string& endpoint, const std::string& args, bool json) {
  return run(referenceBinary("yggdrasilctl") + " -endpoint " + endpoint + (json ? " -json " : " ") + args);
}

// The JSON values in a stream of replies (the admin socket writes them back
// to back), framed as the server frames requests.
inline std::vector<std::string> jsonValues(const std::string& stream) {
  core::admin::RequestFramer framer(stream.size() + 1);
  framer.append(stream);
  std::vector<std::string> out;
  std::string value;
  while (framer.next(value) == core::admin::RequestFramer::Status::Request) out.push_back(value);
  if (framer.finish(value) == core::admin::RequestFramer::Status::Request) out.push_back(value);
  return out;
}

// A reply stream in a form two nodes' replies can be compared in: each value
// parsed and written back compactly by Poco, members in document order, so
// field names, order, JSON types and values must agree while spacing,
// escaping and number spelling need not. Go's wording for a bad hex digit
// ("invalid byte: U+007A 'z'") is cut after "invalid byte"; everything else
// in "error" must be the same text.
inline std::string comparableReplies(const std::string& stream) {
  std::string out;
  for (const auto& text : jsonValues(stream)) {
    auto v = core::proto::json::tryParse(text);
    if (!v) return out + "<not JSON: " + text + ">";
    if (auto o = core::proto::json::asObject(*v); o && o->has("error") && o->get("error").isString()) {
      std::string e = o->get("error").toString();
      const std::string cut = "encoding/hex: invalid byte";
      if (auto p = e.find(cut); p != std::string::npos) o->set("error", e.substr(0, p + cut.size()));
    }
    out += core::proto::json::write(*v) + "\n";
  }
  return out;
}

}  // namespace rtk::test
