// AdminEndpoint — where the admin socket listens, and opening it.
//
//   unix:///run/ratatoskr/admin.sock   a Unix socket at that path (the text
//                                      after "unix://" is the path, as
//                                      yggdrasilctl reads it; "unix://@name"
//                                      is Linux's abstract namespace)
//   tcp://127.0.0.1:9001, tcp://[::1]:9001, tcp://localhost:9001
//   127.0.0.1:9001                     a bare host:port means TCP, as in yggdrasil
//
// TCP binds whatever host the address names, including 0.0.0.0, :: or an
// empty host (every interface). The admin protocol has no authentication, so
// exposing it beyond loopback must be asked for explicitly; the default
// configuration has no admin socket at all ("none"). A non-loopback bind is
// logged as a warning.
//
// Unix sockets are created with mode 0660 (or stricter under the umask)
// atomically: the mode is set on the socket before bind(), so there is no
// moment at which the file is more open. An existing socket file nobody
// answers on (left by a crash) is removed; one a live process answers on is
// refused with Errc::AddressInUse; a path that exists and is not a socket is
// never touched (Errc::AddressInUse). Errors are exceptions, never exit().
//
// Thread-safety: a plain value; listen/cleanup are called by AdminServer
// under its own lock.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "ratatoskr/log.hpp"

namespace rtk::core::admin {

class AdminEndpoint {
 public:
  enum class Kind { Unix, Tcp };

  // Errc::InvalidArgument for an empty address, "none", an unknown scheme, a
  // missing port or a Unix path that does not fit in sockaddr_un.
  static AdminEndpoint parse(std::string_view address);

  Kind kind() const { return kind_; }
  const std::string& path() const { return path_; }  // Unix
  const std::string& host() const { return host_; }  // TCP, without brackets
  const std::string& port() const { return port_; }  // TCP

  // Opens the listening socket (non-blocking, close-on-exec) and returns it.
  // Errc::AddressInUse: the port or socket is taken, or the path exists and
  // is not a socket. Errc::Io: anything else the OS refuses.
  int listen(const Log& log);
  // Unix: removes the socket file if it is still the one listen() created.
  void cleanup();
  // The address actually bound: "unix:///path" or "tcp://127.0.0.1:43210".
  const std::string& boundAddress() const { return bound_; }
  // True when every bound address is loopback (always true for Unix).
  bool loopbackOnly() const { return loopback_; }

 private:
  int listenUnix(const Log& log);
  int listenTcp(const Log& log);

  Kind kind_ = Kind::Unix;
  std::string text_, path_, host_, port_;
  std::string bound_;
  bool loopback_ = true;
  bool created_ = false;  // a filesystem socket we made
  dev_t dev_ = 0;
  ino_t ino_ = 0;
};

}  // namespace rtk::core::admin
