// Records one direction of a relayed TCP stream: the bytes, appended to
// <base>.bin, and when each chunk arrived, one line per read in <base>.times:
//   <unix time ns> <offset of the chunk's first byte in .bin> <length>
// Thread-safety: one thread per recorder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

namespace rtk::interop {

class StreamRecorder {
 public:
  // Creates (truncates) <base>.bin and <base>.times. Throws std::runtime_error.
  explicit StreamRecorder(const std::string& base);
  void record(const char* data, std::size_t size);
  std::uint64_t bytes() const { return offset_; }

 private:
  std::ofstream bin_;
  std::ofstream times_;
  std::uint64_t offset_ = 0;
};

}  // namespace rtk::interop
