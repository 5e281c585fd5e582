// Fuzzes the WebSocket frame decoder. The first byte picks our role (even:
// server, reading masked client frames; odd: client) and a chunk size; the
// rest is what the peer sent after the HTTP upgrade.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "core/link/WsFrameCodec.hpp"
#include "ratatoskr/error.hpp"

using rtk::core::Bytes;
using rtk::core::ByteView;
using rtk::core::link::WsFrameCodec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  auto role = (data[0] & 1) ? WsFrameCodec::Role::Client : WsFrameCodec::Role::Server;
  std::size_t chunk = std::size_t(data[0] >> 1) + 1;
  ByteView in(data + 1, size - 1);
  WsFrameCodec codec(role);
  Bytes payload;
  std::vector<WsFrameCodec::Control> controls;
  try {
    for (std::size_t i = 0; i < in.size(); i += chunk) codec.decode(in.subspan(i, std::min(chunk, in.size() - i)), payload, controls);
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Protocol) std::abort();
    return 0;
  }
  if (payload.size() > in.size()) std::abort();
  for (const auto& c : controls)
    if (c.payload.size() > 125) std::abort();
  // What we encode, we decode.
  Bytes wire;
  WsFrameCodec sender(role == WsFrameCodec::Role::Client ? WsFrameCodec::Role::Server : WsFrameCodec::Role::Client);
  sender.encode(wire, WsFrameCodec::Opcode::Binary, in);
  WsFrameCodec receiver(role);
  Bytes back;
  controls.clear();
  receiver.decode(wire, back, controls);
  if (back.size() != in.size() || !std::equal(back.begin(), back.end(), in.begin())) std::abort();
  return 0;
}
