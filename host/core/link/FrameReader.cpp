#include "core/link/FrameReader.hpp"

#include "ratatoskr/error.hpp"

namespace rtk::core::link {

std::optional<FrameReader::Uvarint> FrameReader::readUvarint(ByteView in) {
  // encoding/binary's rules: at most 10 bytes, the 10th at most 1.
  std::uint64_t value = 0;
  unsigned shift = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    std::uint8_t b = in[i];
    if (i == 9 && b > 1) throw Error(Errc::Protocol, "frame: length prefix overflows 64 bits");
    value |= std::uint64_t(b & 0x7f) << shift;
    if (!(b & 0x80)) return Uvarint{value, i + 1};
    shift += 7;
  }
  return std::nullopt;
}

void FrameReader::appendUvarint(Bytes& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}

std::size_t FrameReader::parse(ByteView data, const FrameHandler& onFrame, const FrameGate& gate) {
  std::size_t used = 0;
  while (used < data.size()) {
    if (gate && !gate()) break;
    auto len = readUvarint(data.subspan(used));
    if (!len) break;
    if (len->value == 0) throw Error(Errc::Protocol, "frame: empty message");
    if (len->value > maxFrameBytes_)
      throw Error(Errc::Protocol, "frame: oversized message (" + std::to_string(len->value) + " bytes, limit " +
                                      std::to_string(maxFrameBytes_) + ")");
    std::size_t available = data.size() - used - len->bytes;
    if (available < len->value) break;
    onFrame(data.subspan(used + len->bytes, static_cast<std::size_t>(len->value)));
    used += len->bytes + static_cast<std::size_t>(len->value);
  }
  return used;
}

void FrameReader::feed(ByteView in, const FrameHandler& onFrame, const FrameGate& gate) {
  if (buffer_.empty()) {
    // Fast path: frames straight from the caller's buffer, only the tail kept.
    std::size_t used = parse(in, onFrame, gate);
    buffer_.assign(in.begin() + static_cast<std::ptrdiff_t>(used), in.end());
    return;
  }
  buffer_.insert(buffer_.end(), in.begin(), in.end());
  std::size_t used = parse(buffer_, onFrame, gate);
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(used));
}

void FrameReader::forEachFrameType(ByteView prefixed, const std::function<void(std::uint8_t)>& onType) {
  std::size_t pos = 0;
  while (pos < prefixed.size()) {
    std::optional<Uvarint> len;
    try {
      len = readUvarint(prefixed.subspan(pos));
    } catch (const Error&) {
      return;
    }
    if (!len || len->value == 0 || len->value > prefixed.size() - pos - len->bytes) return;
    onType(prefixed[pos + len->bytes]);
    pos += len->bytes + static_cast<std::size_t>(len->value);
  }
}

}  // namespace rtk::core::link
