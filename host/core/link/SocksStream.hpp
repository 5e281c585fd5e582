// SocksStream — a SOCKS5 CONNECT through a proxy (RFC 1928), with optional
// username/password authentication (RFC 1929), for socks:// and sockstls://.
//
// As golang.org/x/net/proxy, which yggdrasil uses: methods "no auth" and,
// when a user name is given, "username/password"; the target goes to the
// proxy as a domain name unless it is an IP literal. Replies are read
// exactly, so no byte after the CONNECT reply is consumed and TLS can start
// right after. Proxy failures throw Errc::Refused or Errc::Unreachable with
// the proxy's reason; malformed replies Errc::Protocol.
// Thread-safety: none (see Stream.hpp).
#pragma once

#include <memory>
#include <string>

#include "core/link/Stream.hpp"

namespace rtk::core::link {

class SocksStream : public Stream {
 public:
  SocksStream(std::unique_ptr<Stream> inner, std::string targetHost, std::uint16_t targetPort, std::string user,
              std::string password);

  IoResult handshake() override;
  IoResult read(std::span<std::uint8_t> buf) override { return inner_->read(buf); }
  IoResult write(ByteView data) override { return inner_->write(data); }
  IoResult flush() override { return inner_->flush(); }
  void shutdown() override { inner_->shutdown(); }
  int fd() const override { return inner_->fd(); }

 private:
  enum class Phase { Inner, Greeting, Method, Auth, AuthReply, Connect, ReplyHead, ReplyRest, Done };
  // Writes out_ fully / reads exactly `want` bytes into in_. False while blocked.
  bool sendAll(IoResult& blocked);
  bool receive(std::size_t want, IoResult& blocked);

  std::unique_ptr<Stream> inner_;
  std::string targetHost_;
  std::uint16_t targetPort_;
  std::string user_, password_;
  Phase phase_ = Phase::Inner;
  Bytes out_;
  std::size_t outPos_ = 0;
  Bytes in_;
};

}  // namespace rtk::core::link
