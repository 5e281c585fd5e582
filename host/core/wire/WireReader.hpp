// WireReader — a cursor over an undecoded packet body, with the "chop"
// steps every Ironwood decoder is made of (ironwood network/wire.go):
// fixed-size byte fields, uvarints and zero-terminated port paths.
//
// Each chop returns false and consumes nothing when the input is too short or
// malformed; the codecs turn that into rtk::Error(Errc::Protocol). A reader
// only borrows the bytes: they must outlive it. Not thread-safe (a value).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

#include "core/util/Bytes.hpp"
#include "core/wire/PortPath.hpp"
#include "core/wire/Uvarint.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::wire {

class WireReader {
 public:
  explicit WireReader(ByteView data) : data_(data) {}

  std::size_t remaining() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  ByteView rest() const { return data_; }

  template <std::size_t N>
  bool chop(std::array<std::uint8_t, N>& out) {
    if (data_.size() < N) return false;
    std::memcpy(out.data(), data_.data(), N);
    data_ = data_.subspan(N);
    return true;
  }

  bool chopUint(std::uint64_t& out) {
    std::uint64_t v = 0;
    const int n = decodeUvarint(data_, v);
    if (n <= 0) return false;
    out = v;
    data_ = data_.subspan(static_cast<std::size_t>(n));
    return true;
  }

  // Ports until a 0 terminator; appends them to `out` only when the whole
  // path decodes.
  bool chopPath(PortPath& out) {
    ByteView cursor = data_;
    const std::size_t start = out.size();
    for (;;) {
      std::uint64_t port = 0;
      const int n = decodeUvarint(cursor, port);
      if (n <= 0) {
        truncate(out, start);
        return false;
      }
      cursor = cursor.subspan(static_cast<std::size_t>(n));
      if (port == 0) break;
      out.push_back(port);
    }
    data_ = cursor;
    return true;
  }

 private:
  static void truncate(PortPath& path, std::size_t size) {
    PortPath kept(path.begin(), path.begin() + size);
    path = std::move(kept);
  }

  ByteView data_;
};

// The error every codec throws on undecodable input.
[[noreturn]] inline void throwDecode(const char* packet, const char* what) {
  throw Error(Errc::Protocol, std::string("wire: ") + packet + ": " + what);
}

}  // namespace rtk::core::wire
