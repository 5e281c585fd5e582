// HttpConnectHandshake — the head of an HTTP proxy request (RFC 9110 §9.3.6):
//
//   CONNECT host:port HTTP/1.1\r\n
//   Host: host:port\r\n
//   [Proxy-Authorization: Basic base64(user:password)]\r\n
//   \r\n
//
// Only CONNECT is served (405 otherwise); the target is "name:port",
// "a.b.c.d:port" or "[v6]:port" (400 otherwise). With users configured a
// request without valid Basic credentials gets 407. The head may be at most
// kMaxHeadBytes (431 otherwise). Answers: "200 Connection established",
// 502 when the destination cannot be reached, 504 when that timed out.
// Thread-safety: one thread at a time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "protocol/Handshake.hpp"

namespace rtk::plugins::socks {

// The request line "CONNECT <target> HTTP/1.x" split up; nullopt with `why`
// set when it is not one.
struct HttpRequestLine {
  std::string method;
  std::string target;
  std::string version;
};
std::optional<HttpRequestLine> parseHttpRequestLine(std::string_view line, std::string& why);
// "host:port" / "[v6]:port" as a Destination; nullopt with `why` otherwise.
std::optional<Destination> parseAuthority(std::string_view authority, std::string& why);

class HttpConnectHandshake final : public ClientHandshake {
 public:
  static constexpr std::size_t kMaxHeadBytes = 16384;

  explicit HttpConnectHandshake(const UserTable& users) : users_(users) {}

  HandshakeStep feed(std::span<const std::uint8_t> bytes) override;
  const Request& request() const override { return request_; }
  std::string takeLeftover() override { return std::move(buffer_); }
  std::string principal() const override { return user_.empty() ? std::string() : "user:" + user_; }
  const char* protocol() const noexcept override { return "http"; }
  std::string successReply(const Ip6Address& bound, std::uint16_t port) const override;
  std::string failureReply(ReplyCode code, const std::string& why) const override;

 private:
  HandshakeStep parseHead(std::string_view head);

  const UserTable& users_;
  std::string buffer_;
  bool done_ = false;
  Request request_;
  std::string user_;
};

}  // namespace rtk::plugins::socks
