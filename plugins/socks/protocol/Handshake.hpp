// ClientHandshake — what happens between accepting a proxy client and
// knowing where it wants to go: SOCKS5 negotiation (SocksHandshake) or an
// HTTP CONNECT head (HttpConnectHandshake).
//
// A handshake is fed the bytes the client sends, in pieces of any size, and
// answers with a Step: keep reading, fail (after sending `reply`, if any,
// the connection is closed), or ready (the request is known; `reply` is
// empty: the proxy answers once the destination is dialled, with
// successReply/failureReply). Input is buffered only up to the largest
// message of the protocol, so a client cannot make it grow.
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>

#include "protocol/SocksMessages.hpp"

namespace rtk::plugins::socks {

// Username → password for RFC 1929 and HTTP Basic proxy authentication.
using UserTable = std::map<std::string, std::string, std::less<>>;

struct HandshakeStep {
  enum class Kind { NeedMore, Ready, Fail };
  Kind kind = Kind::NeedMore;
  std::string reply;  // bytes to send now
  std::string error;  // Fail: why, for the log
};

class ClientHandshake {
 public:
  virtual ~ClientHandshake() = default;
  virtual HandshakeStep feed(std::span<const std::uint8_t> bytes) = 0;
  // After Ready: the request, and the bytes the client sent after it (to be
  // forwarded to the destination).
  virtual const Request& request() const = 0;
  virtual std::string takeLeftover() = 0;
  // "user:<name>" after authentication, else empty.
  virtual std::string principal() const = 0;
  // "socks" or "http", for logs.
  virtual const char* protocol() const noexcept = 0;
  // The answer once the destination is connected (bound: our side of it).
  virtual std::string successReply(const Ip6Address& bound, std::uint16_t port) const = 0;
  // The answer when it cannot be; `why` may be shown to HTTP clients.
  virtual std::string failureReply(ReplyCode code, const std::string& why) const = 0;
};

// True when `user` is in `users` with exactly `password` (the comparison
// takes the same time wherever the passwords differ).
bool checkCredentials(const UserTable& users, const std::string& user, const std::string& password);

}  // namespace rtk::plugins::socks
