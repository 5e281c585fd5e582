#include "core/admin/AdminEndpoint.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "ratatoskr/error.hpp"

namespace rtk::core::admin {

namespace {

std::string sysError(int err) { return std::strerror(err); }

bool iequalsPrefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// Closes the descriptor unless released.
struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
  int release() {
    int f = fd;
    fd = -1;
    return f;
  }
};

sockaddr_un unixAddress(const std::string& path, socklen_t& len) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, path.data(), path.size());
  if (!path.empty() && path[0] == '@') a.sun_path[0] = '\0';  // abstract namespace
  len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + (path[0] == '@' ? 0 : 1));
  return a;
}

// Whether a process accepts connections on the socket file: a stale file
// left by a crash refuses them (ECONNREFUSED).
bool answers(const std::string& path, int& err) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    err = errno;
    return false;
  }
  FdGuard g{fd};
  socklen_t len;
  sockaddr_un a = unixAddress(path, len);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), len) == 0) return true;
  err = errno;
  // A full backlog or a slow accept means somebody is there.
  if (err == EAGAIN || err == EINPROGRESS) return true;
  return false;
}

bool isLoopback(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  if (ss.ss_family == AF_INET6) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr)) return true;
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) return in6->sin6_addr.s6_addr[12] == 127;
  }
  return false;
}

std::string formatHostPort(const sockaddr_storage& ss) {
  char host[INET6_ADDRSTRLEN] = "";
  std::uint16_t port = 0;
  if (ss.ss_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    ::inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
  ::inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
  port = ntohs(in6->sin6_port);
  return "[" + std::string(host) + "]:" + std::to_string(port);
}

}  // namespace

AdminEndpoint AdminEndpoint::parse(std::string_view address) {
  AdminEndpoint e;
  e.text_ = std::string(address);
  auto fail = [&](const std::string& why) -> AdminEndpoint {
    throw Error(Errc::InvalidArgument, "admin: listen address \"" + std::string(address) + "\": " + why);
  };
  if (address.empty() || address == "none") return fail("no admin socket configured");

  if (iequalsPrefix(address, "unix://")) {
    e.kind_ = Kind::Unix;
    e.path_ = std::string(address.substr(7));
    if (e.path_.empty()) return fail("missing socket path");
    if (e.path_.find('\0') != std::string::npos) return fail("socket path contains a NUL byte");
    if (e.path_.size() >= sizeof(sockaddr_un::sun_path))
      return fail("socket path is longer than " + std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes");
    return e;
  }

  std::string_view hostPort = address;
  if (iequalsPrefix(address, "tcp://")) {
    hostPort = address.substr(6);
    if (auto slash = hostPort.find('/'); slash != std::string_view::npos) hostPort = hostPort.substr(0, slash);
  } else if (address.find("://") != std::string_view::npos) {
    return fail("unsupported scheme (use unix:// or tcp://)");
  }
  e.kind_ = Kind::Tcp;
  auto colon = hostPort.rfind(':');
  if (colon == std::string_view::npos) return fail("missing port");
  std::string_view host = hostPort.substr(0, colon), port = hostPort.substr(colon + 1);
  if (port.empty()) return fail("missing port");
  if (!host.empty() && host.front() == '[') {
    if (host.back() != ']') return fail("unterminated '['");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return fail("IPv6 hosts need brackets: tcp://[::1]:9001");
  }
  e.host_ = std::string(host);
  e.port_ = std::string(port);
  return e;
}

int AdminEndpoint::listen(const Log& log) {
  created_ = false;
  return kind_ == Kind::Unix ? listenUnix(log) : listenTcp(log);
}

int AdminEndpoint::listenUnix(const Log& log) {
  const std::string where = "admin: unix://" + path_;
  const bool abstract = path_[0] == '@';
  if (!abstract) {
    struct stat st{};
    if (::lstat(path_.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode)) throw Error(Errc::AddressInUse, where + ": exists and is not a socket; not touching it");
      int err = 0;
      if (answers(path_, err)) throw Error(Errc::AddressInUse, where + ": already in use by another process");
      if (err != ECONNREFUSED && err != ENOENT)
        throw Error(Errc::Io, where + ": cannot tell whether the existing socket is in use: " + sysError(err));
      if (::unlink(path_.c_str()) != 0 && errno != ENOENT)
        throw Error(Errc::Io, where + ": cannot remove the stale socket: " + sysError(errno));
      log.info("removed stale admin socket ", path_);
    } else if (errno != ENOENT) {
      throw Error(Errc::Io, where + ": " + sysError(errno));
    }
  }

  FdGuard fd{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)};
  if (fd.fd < 0) throw Error(Errc::Io, where + ": socket: " + sysError(errno));
  // Linux creates the socket file with the socket's own mode (less the
  // umask): setting it first leaves no window in which the file is open to
  // everyone, unlike a chmod after bind.
  if (!abstract && ::fchmod(fd.fd, 0660) != 0) throw Error(Errc::Io, where + ": fchmod: " + sysError(errno));
  socklen_t len;
  sockaddr_un a = unixAddress(path_, len);
  if (::bind(fd.fd, reinterpret_cast<sockaddr*>(&a), len) != 0) {
    int err = errno;
    if (err == EADDRINUSE) throw Error(Errc::AddressInUse, where + ": already in use");
    throw Error(Errc::Io, where + ": bind: " + sysError(err));
  }
  if (!abstract) {
    struct stat st{};
    if (::stat(path_.c_str(), &st) != 0) throw Error(Errc::Io, where + ": stat: " + sysError(errno));
    created_ = true;
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    if ((st.st_mode & 07777 & ~0660) != 0) {
      // A kernel that ignored the socket's mode: tighten it now.
      if (::chmod(path_.c_str(), 0660) != 0) {
        cleanup();
        throw Error(Errc::Io, where + ": chmod 0660: " + sysError(errno));
      }
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      log.warn(path_, " was created with mode ", mode, "; changed to 0660");
    }
  }
  if (::listen(fd.fd, 64) != 0) {
    int err = errno;
    cleanup();
    throw Error(Errc::Io, where + ": listen: " + sysError(err));
  }
  bound_ = "unix://" + path_;
  loopback_ = true;
  log.info("UNIX admin socket listening on ", path_);
  return fd.release();
}

int AdminEndpoint::listenTcp(const Log& log) {
  const std::string where = "admin: tcp://" + (host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_) + ":" + port_;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(host_.empty() ? nullptr : host_.c_str(), port_.c_str(), &hints, &res); rc != 0)
    throw Error(Errc::InvalidArgument, where + ": " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(res, ::freeaddrinfo);

  // With no host, listen dual-stack on :: as Go does; otherwise take the
  // first address that binds.
  std::vector<addrinfo*> order;
  for (auto* ai = res; ai; ai = ai->ai_next)
    if (host_.empty() && ai->ai_family == AF_INET6) order.push_back(ai);
  for (auto* ai = res; ai; ai = ai->ai_next)
    if (!(host_.empty() && ai->ai_family == AF_INET6)) order.push_back(ai);

  int lastErr = 0;
  for (auto* ai : order) {
    FdGuard fd{::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol)};
    if (fd.fd < 0) {
      lastErr = errno;
      continue;
    }
    int one = 1, zero = 0;
    ::setsockopt(fd.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ai->ai_family == AF_INET6 && host_.empty()) ::setsockopt(fd.fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    if (::bind(fd.fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd.fd, 64) != 0) {
      lastErr = errno;
      continue;
    }
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ::getsockname(fd.fd, reinterpret_cast<sockaddr*>(&ss), &len);
    bound_ = "tcp://" + formatHostPort(ss);
    loopback_ = isLoopback(ss);
    log.info("TCP admin socket listening on ", formatHostPort(ss));
    if (!loopback_)
      log.warn("the admin socket on ", bound_,
               " is reachable from the network and has no authentication: anyone who can connect controls this node");
    return fd.release();
  }
  if (lastErr == EADDRINUSE) throw Error(Errc::AddressInUse, where + ": address already in use");
  throw Error(Errc::Io, where + ": " + sysError(lastErr ? lastErr : EADDRNOTAVAIL));
}

void AdminEndpoint::cleanup() {
  if (kind_ != Kind::Unix || !created_) return;
  created_ = false;
  struct stat st{};
  // Only remove the file if it is still ours: another process may have
  // replaced it since.
  if (::lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == dev_ && st.st_ino == ino_)
    ::unlink(path_.c_str());
}

}  // namespace rtk::core::admin
