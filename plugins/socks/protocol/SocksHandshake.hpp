// SocksHandshake — the server side of a SOCKS5 negotiation (RFC 1928 §3–§4,
// RFC 1929): greeting, optional username/password, request.
//
// With an empty UserTable only "no authentication" is offered; with users
// only username/password is (a client offering nothing else gets 0xFF).
// BIND and unknown commands are answered 0x07, bad address types 0x08.
// Thread-safety: one thread at a time.
#pragma once

#include <string>

#include "protocol/Handshake.hpp"

namespace rtk::plugins::socks {

class SocksHandshake final : public ClientHandshake {
 public:
  // `users` must outlive the handshake.
  explicit SocksHandshake(const UserTable& users) : users_(users) {}

  HandshakeStep feed(std::span<const std::uint8_t> bytes) override;
  const Request& request() const override { return request_; }
  std::string takeLeftover() override { return std::move(buffer_); }
  std::string principal() const override { return user_.empty() ? std::string() : "user:" + user_; }
  const char* protocol() const noexcept override { return "socks"; }
  std::string successReply(const Ip6Address& bound, std::uint16_t port) const override;
  std::string failureReply(ReplyCode code, const std::string& why) const override;

 private:
  enum class Stage { Greeting, Auth, Request, Done };
  HandshakeStep step();

  const UserTable& users_;
  Stage stage_ = Stage::Greeting;
  std::string buffer_;
  Request request_;
  std::string user_;
};

}  // namespace rtk::plugins::socks
