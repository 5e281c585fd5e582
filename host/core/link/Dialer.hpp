// Dialer — opens the sockets links dial from, as link_tcp.go's dialerFor.
//
// TCP sockets get TCP_NODELAY and no keepalive (Go's dialers use
// KeepAlive: -1; ironwood's monitor replaces it). Every socket is
// non-blocking and close-on-exec. With a source interface (InterfacePeers),
// the socket is bound to a suitable address of that interface and, where the
// process may, to the device itself (SO_BINDTODEVICE; failure is only
// logged, as in Go); a link-local destination takes the interface as its zone.
// Thread-safety: reentrant functions; the link reactor threads call them.
#pragma once

#include <string>

#include "core/link/SocketAddress.hpp"
#include "core/link/UniqueFd.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::core::link {

// Creates the socket and starts connecting; the connect is in progress (or
// done) on return: wait for writability, then call finishConnect. Throws
// rtk::Error: Errc::InvalidArgument for interface problems ("interface
// \"x\" not found", "link-local address requires a zone"), Errc::Io, or the
// connect's own error (Errc::Refused, Errc::Unreachable).
UniqueFd startConnect(SocketAddress destination, const std::string& sourceInterface, const rtk::Log& log);

// Throws the connect's error once the socket polled writable (or failed).
void finishConnect(int fd, const SocketAddress& destination);

// Maps a connect/socket errno to an rtk::Error with "dial <address>: <reason>".
[[noreturn]] void throwDialError(const SocketAddress& destination, int err);

}  // namespace rtk::core::link
