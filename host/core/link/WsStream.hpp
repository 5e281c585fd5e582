// WsStream — a WebSocket ("ygg-ws" subprotocol, binary messages) over the
// layer beneath: plain TCP for ws://, TLS for wss://.
//
// Setup, non-blocking, on the link thread:
//   client: GET <path> with Upgrade/Sec-WebSocket-Key/Version 13/Protocol
//           ygg-ws; expects 101 with the matching Sec-WebSocket-Accept and
//           the ygg-ws subprotocol.
//   server: answers GET /health and /healthz with 200 "OK" and ends the
//           stream (handshake() returns end()); upgrades requests that offer
//           ygg-ws; refuses anything else with an HTTP error and throws
//           Errc::Protocol.
// HTTP heads are parsed and composed with Poco::Net::HTTPRequest/Response
// (at most 16 KiB); frames with WsFrameCodec, since Poco's WebSocket frame
// API is blocking. Each write() becomes one binary message of at most
// 64 KiB. Pings are answered, a close frame is echoed and ends the stream.
//
// Thread-safety: none (see Stream.hpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/link/Stream.hpp"
#include "core/link/WsFrameCodec.hpp"

namespace rtk::core::link {

class WsStream : public Stream {
 public:
  static constexpr const char* kSubprotocol = "ygg-ws";
  static constexpr std::size_t kMaxHeadBytes = 16 * 1024;
  static constexpr std::size_t kMaxMessageBytes = 64 * 1024;

  // Client: hostHeader is the Host header ("example.com"), path the request
  // path ("/" when empty).
  static std::unique_ptr<WsStream> client(std::unique_ptr<Stream> inner, std::string hostHeader, std::string path);
  static std::unique_ptr<WsStream> server(std::unique_ptr<Stream> inner);

  IoResult handshake() override;
  IoResult read(std::span<std::uint8_t> buf) override;
  IoResult write(ByteView data) override;
  IoResult flush() override;
  void shutdown() override;
  int fd() const override { return inner_->fd(); }

  // Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 section 4.2.2).
  static std::string acceptKey(const std::string& key);

 private:
  enum class Phase { Inner, SendHead, ReadHead, Refusing, HealthCheck, Open };
  WsStream(std::unique_ptr<Stream> inner, WsFrameCodec::Role role);

  // Reads until the head's blank line; true when complete. Bytes after the
  // head are kept as frame data.
  bool readHead(IoResult& blocked);
  void buildRequest();
  void answerRequest(const std::string& head);  // server: queue the response
  void checkResponse(const std::string& head);  // client: throws when refused
  void handleControls(std::vector<WsFrameCodec::Control>& controls);
  void queueFrame(WsFrameCodec::Opcode op, ByteView payload);

  std::unique_ptr<Stream> inner_;
  WsFrameCodec::Role role_;
  WsFrameCodec codec_;
  Phase phase_ = Phase::Inner;
  std::string hostHeader_, path_, key_;
  std::string head_;          // HTTP head being read
  std::string refusal_;       // why the server refused, thrown once the answer is out
  Bytes leftover_;            // frame bytes that arrived with the HTTP head
  Bytes rx_;                  // decoded message bytes not yet returned
  std::size_t rxPos_ = 0;
  Bytes tx_;                  // encoded bytes not yet written
  std::size_t txPos_ = 0;
  bool closeSent_ = false;
  bool closeReceived_ = false;
};

}  // namespace rtk::core::link
