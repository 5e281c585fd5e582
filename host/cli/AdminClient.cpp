#include "cli/AdminClient.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "ratatoskr/error.hpp"

namespace rtk::host::cli {

namespace {

using Clock = std::chrono::steady_clock;

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

int millisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

}  // namespace

int AdminClient::connectSocket() const {
  auto fail = [&](const std::string& why) -> int {
    throw Error(Errc::Io, "admin " + endpoint_ + ": " + why);
  };
  if (endpoint_.empty() || endpoint_ == "none") {
    throw Error(Errc::InvalidArgument, "no admin socket: the conf's AdminListen is \"none\" (give one with --admin)");
  }
  if (endpoint_.rfind("unix://", 0) == 0) {
    const std::string path = endpoint_.substr(7);
    sockaddr_un address{};
    if (path.empty() || path.size() >= sizeof address.sun_path) {
      throw Error(Errc::InvalidArgument, "admin " + endpoint_ + ": not a usable Unix socket path");
    }
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.data(), path.size());
    const bool abstract = path.front() == '@';
    if (abstract) address.sun_path[0] = '\0';  // the abstract namespace, named as the node binds it
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + (abstract ? 0 : 1));
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail(std::strerror(errno));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
      int err = errno;
      ::close(fd);
      fail(std::strerror(err));
    }
    return fd;
  }
  std::string hostPort = endpoint_;
  if (hostPort.rfind("tcp://", 0) == 0) {
    hostPort = hostPort.substr(6);
  } else if (hostPort.find("://") != std::string::npos) {
    throw Error(Errc::InvalidArgument, "admin " + endpoint_ + ": expected unix:///path, tcp://host:port or host:port");
  }
  auto colon = hostPort.rfind(':');
  if (colon == std::string::npos || colon + 1 == hostPort.size()) {
    throw Error(Errc::InvalidArgument, "admin " + endpoint_ + ": no port");
  }
  std::string host = hostPort.substr(0, colon), port = hostPort.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "localhost";
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) fail(::gai_strerror(rc));
  std::string lastError = "no address";
  for (addrinfo* a = found; a; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      ::freeaddrinfo(found);
      return fd;
    }
    lastError = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return fail(lastError);
}

json::Value AdminClient::call(std::string_view request, const json::Value& arguments) const {
  const auto deadline = Clock::now() + timeout_;
  Socket socket(connectSocket());
  auto body = json::Value::object();
  body.set("request", std::string(request));
  body.set("arguments", arguments.isNull() ? json::Value::object() : arguments);
  body.set("keepalive", false);
  const std::string text = body.dump() + "\n";
  for (std::size_t sent = 0; sent < text.size();) {
    ssize_t n = ::send(socket.fd(), text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(Errc::Io, "admin " + endpoint_ + ": sending the request: " + std::strerror(errno));
    sent += static_cast<std::size_t>(n);
  }
  // The node answers once and closes the connection (keepalive false).
  std::string reply;
  char buffer[16384];
  for (;;) {
    pollfd p{socket.fd(), POLLIN, 0};
    int ready = ::poll(&p, 1, millisLeft(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      throw Error(Errc::Timeout, "admin " + endpoint_ + ": no complete reply to " + std::string(request) + " within " +
                                     std::to_string(timeout_.count()) + " ms");
    }
    ssize_t n = ::recv(socket.fd(), buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(Errc::Io, "admin " + endpoint_ + ": reading the reply: " + std::strerror(errno));
    if (n == 0) break;
    reply.append(buffer, static_cast<std::size_t>(n));
    if (reply.size() > (64u << 20)) throw Error(Errc::Protocol, "admin " + endpoint_ + ": reply over 64 MiB");
  }
  json::Value parsed;
  try {
    parsed = json::Value::parse(reply);
  } catch (const Error& e) {
    throw Error(Errc::Protocol, "admin " + endpoint_ + ": the reply is not JSON: " + e.what());
  }
  const json::Value& status = parsed.get("status");
  if (!status.isString()) throw Error(Errc::Protocol, "admin " + endpoint_ + ": the reply has no status");
  if (status.asString() != "success") {
    const json::Value& error = parsed.get("error");
    throw Error(Errc::Unknown, error.isString() && !error.asString().empty() ? error.asString()
                                                                             : std::string("the node returned an error without text"));
  }
  return parsed.get("response");
}

}  // namespace rtk::host::cli
