// rtk::Error — the one exception type of the C++ API.
//
// Every failure in the library surfaces as rtk::Error with a machine-readable
// code and a message that says what happened and to what, e.g.
//   "net: dial tcp [200:1::2]:80: connection refused".
// Header-only so plugins and applications share the definition.
// Thread-safety: immutable after construction.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "ratatoskr/export.hpp"

namespace rtk {

enum class Errc {
  Unknown = 0,
  InvalidArgument,      // malformed address, URI, key, config value
  NotSupported,         // scheme or network known but not implemented (e.g. quic://)
  AlreadyExists,        // peer already configured, component already enabled
  NotFound,             // peer not configured, no such service
  Closed,               // the object or the node has been closed
  Timeout,              // a deadline passed
  Cancelled,            // a cancellation token fired
  Refused,              // the remote end refused (TCP RST on connect, handshake rejected)
  Unreachable,          // no route / no session to the destination
  Reset,                // connection reset by peer
  AddressInUse,         // bind failed because the port is taken
  MessageTooLarge,      // datagram above the MTU, NodeInfo above 16 KiB
  Protocol,             // the peer violated the wire protocol
  Io,                   // an operating-system call failed
  Config,               // a configuration file or object is wrong
  Abi,                  // a plugin's ABI does not match the host
  WouldBlock,           // a non-blocking call could do nothing at once (Conn::tryRead/tryWrite)
};

inline const char* errcName(Errc c) noexcept {
  switch (c) {
    case Errc::Unknown: return "unknown";
    case Errc::InvalidArgument: return "invalid argument";
    case Errc::NotSupported: return "not supported";
    case Errc::AlreadyExists: return "already exists";
    case Errc::NotFound: return "not found";
    case Errc::Closed: return "closed";
    case Errc::Timeout: return "timeout";
    case Errc::Cancelled: return "cancelled";
    case Errc::Refused: return "refused";
    case Errc::Unreachable: return "unreachable";
    case Errc::Reset: return "reset";
    case Errc::AddressInUse: return "address in use";
    case Errc::MessageTooLarge: return "message too large";
    case Errc::Protocol: return "protocol error";
    case Errc::Io: return "i/o error";
    case Errc::Config: return "configuration error";
    case Errc::Abi: return "abi mismatch";
    case Errc::WouldBlock: return "would block";
  }
  return "unknown";
}

class RTK_API Error : public std::runtime_error {
 public:
  Error(Errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
  Errc code() const noexcept { return code_; }

 private:
  Errc code_;
};

}  // namespace rtk
