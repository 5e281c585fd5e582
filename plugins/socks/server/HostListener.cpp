#include "server/HostListener.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "protocol/Destination.hpp"
#include "ratatoskr/error.hpp"
#include "util/SocketConn.hpp"

namespace rtk::plugins::socks {

namespace {

constexpr int kListenBacklog = 1024;

[[noreturn]] void listenError(Errc code, std::string_view address, const std::string& why) {
  throw Error(code, "socks: listen \"" + std::string(address) + "\": " + why);
}

[[noreturn]] void listenErrno(std::string_view address, const char* what, int err) {
  listenError(err == EADDRINUSE ? Errc::AddressInUse : Errc::Io, address, std::string(what) + ": " + std::strerror(err));
}

// A Unix socket at `path` that accepts a connection within a second.
bool unixSocketAnswers(const sockaddr_un& sun, int& err) {
  Fd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!probe.valid()) {
    err = errno;
    return false;
  }
  if (::connect(probe.get(), reinterpret_cast<const sockaddr*>(&sun), sizeof sun) == 0) return true;
  err = errno;
  if (err != EINPROGRESS && err != EAGAIN) return false;
  pollfd p{probe.get(), POLLOUT, 0};
  if (::poll(&p, 1, 1000) <= 0) {
    err = ETIMEDOUT;
    return true;  // something holds it and does not answer: do not remove it
  }
  socklen_t len = sizeof err;
  ::getsockopt(probe.get(), SOL_SOCKET, SO_ERROR, &err, &len);
  return err == 0;
}

}  // namespace

bool isUnixSocketAddress(std::string_view address) noexcept {
  return !address.empty() && (address.front() == '/' || address.front() == '.');
}

HostListener HostListener::open(std::string_view address) {
  if (isUnixSocketAddress(address)) return openUnix(address);
  return openTcp(address);
}

HostListener HostListener::openTcp(std::string_view address) {
  auto colon = address.rfind(':');
  if (colon == std::string_view::npos) listenError(Errc::Config, address, "expected host:port or a Unix socket path");
  std::string_view host = address.substr(0, colon), portText = address.substr(colon + 1);
  if (host.empty())
    listenError(Errc::Config, address,
                "no host: write 127.0.0.1:<port> for this machine only, 0.0.0.0:<port> or [::]:<port> for every interface");
  unsigned long port = 0;
  if (portText.empty() || portText.size() > 5) listenError(Errc::Config, address, "the port is not a number");
  for (char c : portText) {
    if (c < '0' || c > '9') listenError(Errc::Config, address, "the port is not a number");
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port > 65535) listenError(Errc::Config, address, "port out of range");

  sockaddr_storage ss{};
  socklen_t len = 0;
  if (host.front() == '[') {
    if (host.back() != ']') listenError(Errc::Config, address, "unterminated '['");
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<std::uint16_t>(port));
    if (::inet_pton(AF_INET6, std::string(host.substr(1, host.size() - 2)).c_str(), &in6->sin6_addr) != 1)
      listenError(Errc::Config, address, "not an IPv6 literal");
    len = sizeof(sockaddr_in6);
  } else {
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<std::uint16_t>(port));
    std::string h(host == "localhost" ? "127.0.0.1" : host);
    if (::inet_pton(AF_INET, h.c_str(), &in->sin_addr) != 1)
      listenError(Errc::Config, address, "the host must be an IP literal (IPv6 in brackets) or localhost");
    len = sizeof(sockaddr_in);
  }

  HostListener l;
  l.address_ = std::string(address);
  l.fd_.reset(::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!l.fd_.valid()) listenErrno(address, "socket", errno);
  int one = 1;
  ::setsockopt(l.fd_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(l.fd_.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) listenErrno(address, "bind", errno);
  if (::listen(l.fd_.get(), kListenBacklog) != 0) listenErrno(address, "listen", errno);
  return l;
}

HostListener HostListener::openUnix(std::string_view pathText) {
  const std::string path(pathText);
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  if (path.size() >= sizeof sun.sun_path)
    listenError(Errc::Config, path, "the path is longer than " + std::to_string(sizeof sun.sun_path - 1) + " bytes");
  std::memcpy(sun.sun_path, path.c_str(), path.size() + 1);

  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) parent = ".";
  struct stat dir {};
  if (::lstat(parent.c_str(), &dir) != 0) listenError(Errc::Config, path, "directory " + parent.string() + ": " + std::strerror(errno));
  if (S_ISLNK(dir.st_mode)) listenError(Errc::Config, path, "directory " + parent.string() + " is a symlink: refused");
  if (!S_ISDIR(dir.st_mode)) listenError(Errc::Config, path, parent.string() + " is not a directory");
  if (dir.st_mode & 077)
    listenError(Errc::Config, path, "directory " + parent.string() +
                                        " is open to group or others (mode " + std::to_string((dir.st_mode >> 6) & 7) +
                                        std::to_string((dir.st_mode >> 3) & 7) + std::to_string(dir.st_mode & 7) +
                                        "): use a directory only its owner can enter, e.g. mode 0700");

  HostListener l;
  l.address_ = path;
  l.fd_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!l.fd_.valid()) listenErrno(path, "socket", errno);
  if (::bind(l.fd_.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0) {
    if (errno != EADDRINUSE) listenErrno(path, "bind", errno);
    struct stat before {};
    if (::lstat(path.c_str(), &before) != 0) listenErrno(path, "lstat", errno);
    if (S_ISLNK(before.st_mode)) listenError(Errc::Config, path, "the path is a symlink: refused");
    if (!S_ISSOCK(before.st_mode)) listenError(Errc::Config, path, "the path exists and is not a socket: refused");
    int err = 0;
    if (unixSocketAnswers(sun, err))
      listenError(Errc::AddressInUse, path, err == ETIMEDOUT ? "a socket there accepts but does not answer: refused"
                                                             : "another process is already listening there");
    if (err != ECONNREFUSED) listenErrno(path, "probing the existing socket", err);
    struct stat again {};
    if (::lstat(path.c_str(), &again) != 0 || again.st_ino != before.st_ino || again.st_dev != before.st_dev)
      listenError(Errc::Config, path, "the stale socket changed while it was checked: refused");
    if (::unlink(path.c_str()) != 0) listenErrno(path, "removing the stale socket", errno);
    if (::bind(l.fd_.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0) listenErrno(path, "bind", errno);
  }
  struct stat mine {};
  ::lstat(path.c_str(), &mine);
  l.unixPath_ = path;
  l.unixDev_ = mine.st_dev;
  l.unixIno_ = mine.st_ino;
  if (::chmod(path.c_str(), 0600) != 0) listenErrno(path, "chmod 0600", errno);
  if (::listen(l.fd_.get(), kListenBacklog) != 0) listenErrno(path, "listen", errno);
  return l;
}

HostListener::~HostListener() { close(); }

void HostListener::close() {
  if (!fd_.valid()) return;
  fd_.reset();
  if (!unixPath_.empty()) {
    struct stat now {};
    if (::lstat(unixPath_.c_str(), &now) == 0 && now.st_ino == unixIno_ && now.st_dev == unixDev_) ::unlink(unixPath_.c_str());
  }
}

std::string HostListener::boundAddress() const {
  if (!unixPath_.empty()) return unixPath_;
  Endpoint e = socketEndpoint(fd_.get(), false);
  return formatIpPort(e.address, e.port);
}

}  // namespace rtk::plugins::socks
