// Byte buffers used across the core.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace rtk::core {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// A message inside the buffer it arrived in: the bytes before `offset` are
// headers an outer layer has already read, or room left for the headers an
// inner layer will write. A received packet passes from the session layer
// through the IPv6 checks into lwIP with its headers skipped this way; a
// sent one leaves lwIP with headroom into which the keystore and the session
// write theirs. Neither is moved within its buffer on the way.
struct OffsetBytes {
  Bytes buffer;
  std::size_t offset = 0;

  OffsetBytes() = default;
  OffsetBytes(Bytes b) : buffer(std::move(b)) {}  // NOLINT(google-explicit-constructor): a whole buffer
  OffsetBytes(Bytes b, std::size_t at) : buffer(std::move(b)), offset(at) {}

  std::uint8_t* data() { return buffer.data() + offset; }
  const std::uint8_t* data() const { return buffer.data() + offset; }
  std::size_t size() const { return buffer.size() - offset; }
  bool empty() const { return size() == 0; }
  std::uint8_t operator[](std::size_t i) const { return buffer[offset + i]; }
  ByteView view() const { return ByteView(data(), size()); }
  // Skips `n` more bytes (n <= size()).
  void skip(std::size_t n) { offset += n; }
  // Makes room for `n` header bytes before the message and returns where
  // they start: in the skipped bytes when there are enough of them (a
  // sender leaves such headroom), else by moving the message up.
  std::uint8_t* extendFront(std::size_t n) {
    if (offset < n) {
      buffer.insert(buffer.begin() + static_cast<std::ptrdiff_t>(offset), n - offset, std::uint8_t{0});
      offset = n;
    }
    offset -= n;
    return data();
  }
  // Equal messages, wherever they start in their buffers.
  friend bool operator==(const OffsetBytes& a, const OffsetBytes& b) { return std::ranges::equal(a.view(), b.view()); }
  // The message alone in a buffer of its own (moves it down when there are
  // skipped headers): for the consumers that keep it.
  Bytes take() && {
    if (offset > 0) buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(offset));
    offset = 0;
    return std::move(buffer);
  }
};

}  // namespace rtk::core
