#include "LinkCrowd.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "core/crypto/Ed25519.hpp"
#include "core/link/VersionMetadata.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::interop::links {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint8_t kKeepAlive[2] = {0x01, 0x01};  // uvarint length 1, type KeepAlive

sockaddr_in6 socketAddress(const std::string& address, int port) {
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  sa.sin6_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET6, address.c_str(), &sa.sin6_addr) != 1)
    throw Error(Errc::InvalidArgument, "crowd: not an IPv6 address: " + address);
  return sa;
}

int startConnect(const sockaddr_in6& to, const std::string& source) {
  int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw Error(Errc::Io, "crowd: socket: " + std::string(std::strerror(errno)));
  if (!source.empty()) {
    sockaddr_in6 from = socketAddress(source, 0);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&from), sizeof from) != 0) {
      ::close(fd);
      throw Error(Errc::Io, "crowd: bind " + source + ": " + std::strerror(errno));
    }
  }
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool connected(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  return ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
}

// One link's handshake in progress.
struct Pending {
  int fd = -1;
  rtk::core::Bytes out;
  std::size_t sent = 0;
  rtk::core::Bytes in;
  bool done = false;
};

}  // namespace

void raiseFileLimit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
}

LinkCrowd::~LinkCrowd() { close(); }

std::size_t LinkCrowd::openHalfOpen(const std::string& address, int port, const std::string& sourceAddress,
                                    std::size_t count, int timeoutMs) {
  const sockaddr_in6 to = socketAddress(address, port);
  std::vector<int> opened;
  for (std::size_t i = 0; i < count; ++i)
    if (int fd = startConnect(to, sourceAddress); fd >= 0) opened.push_back(fd);
  // Wait for every connect to finish (or fail) before counting.
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
  std::size_t ok = 0;
  for (int fd : opened) {
    pollfd p{fd, POLLOUT, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (::poll(&p, 1, static_cast<int>(std::max<long long>(left, 0))) > 0 && connected(fd)) ++ok;
    halfOpen_.push_back(fd);
  }
  return ok;
}

std::string LinkCrowd::LinkOutcome::describe() const {
  return std::to_string(completed) + " completed, " + std::to_string(closed) + " closed by the node, " +
         std::to_string(wrongKey) + " with another key, " + std::to_string(unfinished) + " unfinished" +
         (firstClose.empty() ? "" : "; first close: " + firstClose);
}

LinkCrowd::LinkOutcome LinkCrowd::openLinks(const std::string& address, int port, const std::string& sourceAddress,
                                            std::size_t count, std::size_t concurrent,
                                            const std::string& expectedKeyHex, int timeoutMs) {
  using rtk::core::link::VersionMetadata;
  if (pump_.joinable()) throw Error(Errc::InvalidArgument, "crowd: links are opened once");
  const sockaddr_in6 to = socketAddress(address, port);
  std::vector<Pending> pending(count);
  std::size_t started = 0, active = 0;
  LinkOutcome outcome;
  auto end = [&](Pending& p, std::size_t& counter) {
    if (&counter == &outcome.completed)
      links_.push_back(p.fd);
    else if (p.fd >= 0)
      ::close(p.fd);
    p.fd = -1;
    p.done = true;
    ++counter;
    --active;
  };
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
  for (;;) {
    while (active < concurrent && started < count) {
      Pending& p = pending[started++];
      p.out = VersionMetadata().encode(rtk::core::crypto::SigningKey::generate(), "");
      p.fd = startConnect(to, sourceAddress);
      ++active;
      if (p.fd < 0) {
        if (outcome.firstClose.empty()) outcome.firstClose = "connect: " + std::string(std::strerror(errno));
        end(p, outcome.closed);
      }
    }
    std::vector<pollfd> fds;
    std::vector<Pending*> owners;
    for (auto& p : pending) {
      if (p.fd < 0 || p.done) continue;
      fds.push_back(pollfd{p.fd, static_cast<short>(POLLIN | (p.sent < p.out.size() ? POLLOUT : 0)), 0});
      owners.push_back(&p);
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (fds.empty() || left <= 0) break;
    ::poll(fds.data(), fds.size(), static_cast<int>(left));
    for (std::size_t i = 0; i < fds.size(); ++i) {
      Pending& p = *owners[i];
      if (!fds[i].revents) continue;
      if (p.sent < p.out.size()) {
        ssize_t n = ::send(p.fd, p.out.data() + p.sent, p.out.size() - p.sent, MSG_NOSIGNAL);
        if (n > 0) p.sent += static_cast<std::size_t>(n);
      }
      std::uint8_t buf[512];
      ssize_t n = ::recv(p.fd, buf, sizeof buf, 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
        if (outcome.firstClose.empty())
          outcome.firstClose = n == 0 ? "end of stream" : std::string(std::strerror(errno));
        end(p, outcome.closed);
        continue;
      }
      if (n > 0) p.in.insert(p.in.end(), buf, buf + n);
      if (p.in.size() < VersionMetadata::kHeaderBytes) continue;
      const std::size_t need = VersionMetadata::messageBytes(p.in);
      if (p.in.size() < need || p.sent < p.out.size()) continue;
      const bool right =
          VersionMetadata::decode(rtk::core::ByteView(p.in).first(need), "").publicKey.hex() == expectedKeyHex;
      end(p, right ? outcome.completed : outcome.wrongKey);
    }
  }
  for (auto& p : pending)
    if (p.fd >= 0) {
      ::close(p.fd);
      ++outcome.unfinished;
    }
  outcome.unfinished += count - started;
  alive_.store(links_.size());
  pump_.start("rtk-crowd", [this] { keepAlive(); });
  return outcome;
}

void LinkCrowd::keepAlive() {
  std::vector<bool> open(links_.size(), true);
  std::uint8_t sink[16384];
  while (!stopping_.load()) {
    std::size_t alive = 0;
    for (std::size_t i = 0; i < links_.size(); ++i) {
      if (!open[i]) continue;
      ::send(links_[i], kKeepAlive, sizeof kKeepAlive, MSG_NOSIGNAL | MSG_DONTWAIT);
      for (;;) {
        ssize_t n = ::recv(links_[i], sink, sizeof sink, MSG_DONTWAIT);
        if (n > 0) continue;
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) open[i] = false;
        break;
      }
      alive += open[i] ? 1 : 0;
    }
    alive_.store(alive);
    for (int i = 0; i < 5 && !stopping_.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void LinkCrowd::close() {
  stopping_.store(true);
  pump_.join();
  for (int fd : links_) ::close(fd);
  for (int fd : halfOpen_) ::close(fd);
  links_.clear();
  halfOpen_.clear();
  alive_.store(0);
}

}  // namespace rtk::interop::links
