// One direction of a relay recording (rtk_interop_relay): the bytes of
// <base>.bin and the arrival times of <base>.times.
// Thread-safety: immutable after load().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rtk::interop {

class CaptureRecording {
 public:
  struct Chunk {
    std::int64_t unixNs;
    std::uint64_t offset;
    std::uint64_t length;
  };

  // Throws std::runtime_error when a file is missing or malformed, or when
  // the chunks do not cover the bytes exactly.
  static CaptureRecording load(const std::string& base);

  const std::vector<std::uint8_t>& bytes() const { return bytes_; }
  const std::vector<Chunk>& chunks() const { return chunks_; }
  // Arrival time of the chunk holding `offset`; -1 if none does.
  std::int64_t unixNsAt(std::uint64_t offset) const;

 private:
  std::vector<std::uint8_t> bytes_;
  std::vector<Chunk> chunks_;
};

}  // namespace rtk::interop
