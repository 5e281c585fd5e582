#include "core/link/WsFrameCodec.hpp"

#include <sodium.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "core/crypto/Ed25519.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::link {
namespace {

[[noreturn]] void protocolError(const std::string& what) { throw Error(Errc::Protocol, "ws: " + what); }

std::size_t headerLength(const std::uint8_t* h) {
  std::size_t len = 2;
  std::uint8_t len7 = h[1] & 0x7f;
  if (len7 == 126) len += 2;
  if (len7 == 127) len += 8;
  if (h[1] & 0x80) len += 4;
  return len;
}

}  // namespace

void WsFrameCodec::decode(ByteView in, Bytes& data, std::vector<Control>& controls) {
  while (!in.empty()) {
    if (state_ == State::Header) {
      std::size_t need = headerBytes_ < 2 ? 2 : headerLength(header_.data());
      std::size_t take = std::min(need - headerBytes_, in.size());
      std::copy_n(in.begin(), take, header_.begin() + static_cast<std::ptrdiff_t>(headerBytes_));
      headerBytes_ += take;
      in = in.subspan(take);
      if (headerBytes_ < 2) continue;
      if (headerBytes_ < headerLength(header_.data())) continue;
      parseHeader();
      if (remaining_ == 0) finishFrame(controls);
      continue;
    }
    std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size()));
    Bytes& sink = control_ ? controlPayload_ : data;
    std::size_t start = sink.size();
    sink.insert(sink.end(), in.begin(), in.begin() + static_cast<std::ptrdiff_t>(take));
    if (masked_)
      for (std::size_t i = start; i < sink.size(); ++i) sink[i] ^= mask_[maskPos_++ & 3];
    remaining_ -= take;
    in = in.subspan(take);
    if (remaining_ == 0) finishFrame(controls);
  }
}

void WsFrameCodec::parseHeader() {
  const std::uint8_t* h = header_.data();
  bool fin = h[0] & 0x80;
  if (h[0] & 0x70) protocolError("reserved bits set (no extension was negotiated)");
  auto op = static_cast<Opcode>(h[0] & 0x0f);
  masked_ = h[1] & 0x80;
  if (role_ == Role::Server && !masked_) protocolError("client frame is not masked");
  if (role_ == Role::Client && masked_) protocolError("server frame is masked");
  std::uint64_t len = h[1] & 0x7f;
  std::size_t pos = 2;
  if (len == 126) {
    len = std::uint64_t(h[2]) << 8 | h[3];
    pos = 4;
  } else if (len == 127) {
    len = 0;
    for (int i = 0; i < 8; ++i) len = len << 8 | h[2 + i];
    if (len >> 63) protocolError("frame length has its top bit set");
    pos = 10;
  }
  if (masked_) std::copy_n(h + pos, 4, mask_.begin());

  switch (op) {
    case Opcode::Close:
    case Opcode::Ping:
    case Opcode::Pong:
      if (!fin) protocolError("fragmented control frame");
      if (len > 125) protocolError("control frame longer than 125 bytes");
      control_ = true;
      break;
    case Opcode::Binary:
      if (inMessage_) protocolError("new message before the previous one ended");
      control_ = false;
      inMessage_ = !fin;
      break;
    case Opcode::Continuation:
      if (!inMessage_) protocolError("continuation frame outside a message");
      control_ = false;
      inMessage_ = !fin;
      break;
    case Opcode::Text:
      protocolError("text message received, links carry binary messages");
    default:
      protocolError("unknown opcode " + std::to_string(int(h[0] & 0x0f)));
  }
  opcode_ = op;
  remaining_ = len;
  maskPos_ = 0;
  controlPayload_.clear();
  headerBytes_ = 0;
  state_ = State::Payload;
}

void WsFrameCodec::finishFrame(std::vector<Control>& controls) {
  if (control_) controls.push_back(Control{opcode_, std::move(controlPayload_)});
  controlPayload_.clear();
  state_ = State::Header;
}

void WsFrameCodec::encode(Bytes& out, Opcode opcode, ByteView payload) const {
  out.push_back(static_cast<std::uint8_t>(0x80 | static_cast<std::uint8_t>(opcode)));
  std::uint8_t maskBit = role_ == Role::Client ? 0x80 : 0x00;
  std::uint64_t len = payload.size();
  if (len < 126) {
    out.push_back(static_cast<std::uint8_t>(maskBit | len));
  } else if (len <= 0xffff) {
    out.push_back(maskBit | 126);
    out.push_back(static_cast<std::uint8_t>(len >> 8));
    out.push_back(static_cast<std::uint8_t>(len));
  } else {
    out.push_back(maskBit | 127);
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(len >> (8 * i)));
  }
  std::size_t start = out.size();
  if (role_ == Role::Client) {
    std::array<std::uint8_t, 4> key{};
    crypto::initSodium();
    randombytes_buf(key.data(), key.size());
    out.insert(out.end(), key.begin(), key.end());
    start = out.size();
    out.insert(out.end(), payload.begin(), payload.end());
    for (std::size_t i = 0; i < payload.size(); ++i) out[start + i] ^= key[i & 3];
  } else {
    out.insert(out.end(), payload.begin(), payload.end());
  }
}

Bytes WsFrameCodec::closePayload(std::uint16_t code, std::string_view reason) {
  reason = reason.substr(0, 123);
  Bytes out(2 + reason.size());
  out[0] = static_cast<std::uint8_t>(code >> 8);
  out[1] = static_cast<std::uint8_t>(code);
  std::copy(reason.begin(), reason.end(), out.begin() + 2);
  return out;
}

}  // namespace rtk::core::link
