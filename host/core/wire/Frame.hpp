// Link framing: uvarint(length) || type || body, where length counts the
// type byte and the body (ironwood network/peers.go, peerWriter.sendPacket
// and peer.handler).
//
// appendFrame writes one frame; FrameSplitter cuts a byte stream back into
// frames. Thread-safety: FrameSplitter is a value owned by one thread.
#pragma once

#include <cstdint>
#include <optional>

#include "core/util/Bytes.hpp"
#include "core/wire/Uvarint.hpp"
#include "core/wire/WireTypes.hpp"

namespace rtk::core::wire {

// Length prefix value for a body of `bodySize` bytes.
inline std::uint64_t frameLength(std::size_t bodySize) { return static_cast<std::uint64_t>(bodySize) + 1; }

// Appends a complete frame for `body` (anything with size() and
// encode(Bytes&)).
template <class Body>
void appendFrame(Bytes& out, PacketType type, const Body& body) {
  appendUvarint(out, frameLength(body.size()));
  out.push_back(static_cast<std::uint8_t>(type));
  body.encode(out);
}

// Accumulates stream bytes and yields whole frames (type byte first, length
// prefix removed). A length above maxFrameBytes, or a length prefix that is
// not a valid uvarint, throws rtk::Error(Errc::Protocol) — the real node
// closes the link then (ErrOversizedMessage).
class FrameSplitter {
 public:
  explicit FrameSplitter(std::uint64_t maxFrameBytes = kMaxMessageSize) : max_(maxFrameBytes) {}

  void feed(ByteView bytes);
  // The next complete frame, if any. The view stays valid until the next
  // feed().
  std::optional<ByteView> next();
  std::size_t buffered() const { return buf_.size() - start_; }

 private:
  std::uint64_t max_;
  Bytes buf_;
  std::size_t start_ = 0;
};

}  // namespace rtk::core::wire
