// FrameReader — splits a link's byte stream into Ironwood frames.
//
// A frame is uvarint(length) || type || payload (ironwood network/peers.go).
// A zero length (ErrEmptyMessage), a length above the limit
// (ErrOversizedMessage) or a uvarint longer than 64 bits closes the link:
// feed() throws rtk::Error(Errc::Protocol) naming the reason, and the reader
// must not be used afterwards.
//
// Thread-safety: none; one link thread owns each reader.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "core/util/Bytes.hpp"
#include "core/wire/WireTypes.hpp"

namespace rtk::core::link {

class FrameReader {
 public:
  using FrameHandler = std::function<void(ByteView frame)>;
  // Asked before each frame: false holds that frame and the rest back.
  using FrameGate = std::function<bool()>;

  explicit FrameReader(std::uint64_t maxFrameBytes = wire::kMaxMessageSize) : maxFrameBytes_(maxFrameBytes) {}

  // Consumes all of `in`; calls onFrame for each complete frame (type byte
  // first, length prefix removed). The view is valid only during the call.
  // A frame completed by earlier bytes is delivered before later ones.
  // With a `gate`, stops before a frame when it says no, keeping that frame
  // and everything after it buffered; feed({}, ...) later delivers them.
  void feed(ByteView in, const FrameHandler& onFrame, const FrameGate& gate = {});

  // Bytes held back waiting for the rest of a frame.
  std::size_t buffered() const { return buffer_.size(); }

  // Decodes a uvarint at the start of `in`: {value, bytes used}, nullopt
  // when more bytes are needed. Throws Errc::Protocol when it overflows 64 bits.
  struct Uvarint {
    std::uint64_t value;
    std::size_t bytes;
  };
  static std::optional<Uvarint> readUvarint(ByteView in);
  static void appendUvarint(Bytes& out, std::uint64_t value);

  // Calls onType with the type byte of each complete frame in `prefixed`, a
  // run of length-prefixed frames as PeerEndpoint::takeOutbound produces
  // them. Stops quietly at anything malformed.
  static void forEachFrameType(ByteView prefixed, const std::function<void(std::uint8_t type)>& onType);

 private:
  // Parses frames from `data`; returns the number of bytes consumed.
  std::size_t parse(ByteView data, const FrameHandler& onFrame, const FrameGate& gate);

  std::uint64_t maxFrameBytes_;
  Bytes buffer_;
};

}  // namespace rtk::core::link
