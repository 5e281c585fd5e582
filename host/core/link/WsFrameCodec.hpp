// WsFrameCodec — RFC 6455 framing for ws:// and wss:// links.
//
// The link carries a byte stream inside binary messages (as Go's
// websocket.NetConn with MessageBinary), so the decoder streams payload bytes
// out as they arrive instead of collecting whole messages. It enforces what
// the RFC and the Go peer require: masking from clients only, no reserved
// bits (no extension is ever negotiated), control frames unfragmented and at
// most 125 bytes, continuation only inside a message, binary messages only
// (a text message is refused as coder/websocket's NetConn refuses it).
// Violations throw rtk::Error(Errc::Protocol, "ws: ..."); the decoder is then
// unusable.
//
// Thread-safety: none; one link thread owns each codec.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/util/Bytes.hpp"

namespace rtk::core::link {

class WsFrameCodec {
 public:
  enum class Role { Client, Server };  // our side of the connection
  enum class Opcode : std::uint8_t { Continuation = 0, Text = 1, Binary = 2, Close = 8, Ping = 9, Pong = 10 };
  struct Control {
    Opcode opcode;
    Bytes payload;
  };

  explicit WsFrameCodec(Role role) : role_(role) {}

  // Decodes all of `in`: message payload bytes are appended to `data`,
  // control frames (close, ping, pong) to `controls` in arrival order.
  void decode(ByteView in, Bytes& data, std::vector<Control>& controls);

  // Appends one complete frame (FIN set); masked with a random key when we
  // are the client. Control payloads must be at most 125 bytes.
  void encode(Bytes& out, Opcode opcode, ByteView payload) const;

  // Close frame payload: status code and UTF-8 reason.
  static Bytes closePayload(std::uint16_t code, std::string_view reason);

 private:
  enum class State { Header, Payload };
  void parseHeader();
  void finishFrame(std::vector<Control>& controls);

  Role role_;
  State state_ = State::Header;
  std::array<std::uint8_t, 14> header_{};
  std::size_t headerBytes_ = 0;
  // The frame being read.
  Opcode opcode_ = Opcode::Binary;
  bool control_ = false;
  bool masked_ = false;
  std::array<std::uint8_t, 4> mask_{};
  std::uint64_t remaining_ = 0;
  std::size_t maskPos_ = 0;
  Bytes controlPayload_;
  bool inMessage_ = false;  // a binary message awaits continuation frames
};

}  // namespace rtk::core::link
