// HostListener — a listening socket on this machine for proxy clients:
// TCP ("127.0.0.1:1080", "[::1]:1080", "0.0.0.0:1080" for every interface —
// there is no shorthand for that, ":1080" is refused) or a Unix socket (a
// path starting with "/" or ".").
//
// Unix sockets, the way the Go proxy guards them: the parent directory must
// exist, must not be a symlink and must not be open to group or others
// (mode & 077 == 0); the socket is made 0600. A path already taken: a
// symlink or a non-socket is refused; a socket that answers is refused
// ("already listening"); a dead one (connection refused) is removed — if
// it is still the same inode — and the bind tried again. The socket file
// is removed when the listener closes, if it is still ours.
//
// Errors: rtk::Error(Config) naming the address for a bad form or an unsafe
// directory, Errc::AddressInUse, Errc::Io with errno's text otherwise.
// Thread-safety: open/close from one thread; fd() from any.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "ratatoskr/types.hpp"
#include "util/Fd.hpp"

namespace rtk::plugins::socks {

class HostListener {
 public:
  // Binds and listens (non-blocking, close-on-exec).
  static HostListener open(std::string_view address);
  HostListener(HostListener&&) = default;
  HostListener& operator=(HostListener&&) = default;
  ~HostListener();

  int fd() const noexcept { return fd_.get(); }
  // The address as configured.
  const std::string& address() const noexcept { return address_; }
  bool isUnix() const noexcept { return !unixPath_.empty(); }
  // The bound address ("127.0.0.1:1080" with the real port when 0 was asked).
  std::string boundAddress() const;
  void close();

 private:
  HostListener() = default;
  static HostListener openTcp(std::string_view address);
  static HostListener openUnix(std::string_view path);

  Fd fd_;
  std::string address_;
  std::string unixPath_;
  dev_t unixDev_ = 0;
  ino_t unixIno_ = 0;
};

// True when `address` names a Unix socket path rather than host:port.
bool isUnixSocketAddress(std::string_view address) noexcept;

}  // namespace rtk::plugins::socks
