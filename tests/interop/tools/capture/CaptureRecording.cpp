#include "CaptureRecording.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace rtk::interop {

CaptureRecording CaptureRecording::load(const std::string& base) {
  CaptureRecording rec;
  std::ifstream bin(base + ".bin", std::ios::binary);
  if (!bin) throw std::runtime_error("cannot read " + base + ".bin");
  rec.bytes_.assign(std::istreambuf_iterator<char>(bin), std::istreambuf_iterator<char>());
  std::ifstream times(base + ".times");
  if (!times) throw std::runtime_error("cannot read " + base + ".times");
  std::uint64_t expected = 0;
  for (std::string line; std::getline(times, line);) {
    if (line.empty() || line.front() == '#') continue;
    std::istringstream fields(line);
    Chunk chunk{};
    if (!(fields >> chunk.unixNs >> chunk.offset >> chunk.length) || chunk.offset != expected) {
      throw std::runtime_error(base + ".times: bad line \"" + line + "\"");
    }
    expected += chunk.length;
    rec.chunks_.push_back(chunk);
  }
  if (expected != rec.bytes_.size()) {
    throw std::runtime_error(base + ": .times covers " + std::to_string(expected) + " bytes, .bin has " +
                             std::to_string(rec.bytes_.size()));
  }
  return rec;
}

std::int64_t CaptureRecording::unixNsAt(std::uint64_t offset) const {
  const auto it = std::upper_bound(chunks_.begin(), chunks_.end(), offset,
                                   [](std::uint64_t off, const Chunk& c) { return off < c.offset; });
  if (it == chunks_.begin()) return -1;
  const Chunk& chunk = *(it - 1);
  return offset < chunk.offset + chunk.length ? chunk.unixNs : -1;
}

}  // namespace rtk::interop
