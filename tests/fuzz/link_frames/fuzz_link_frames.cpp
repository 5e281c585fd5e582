// Fuzzes the frame splitter: the stream is fed in chunks whose sizes come
// from the input itself; the frames must be the same however it is chunked.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "core/link/FrameReader.hpp"
#include "ratatoskr/error.hpp"

using rtk::core::Bytes;
using rtk::core::ByteView;
using rtk::core::link::FrameReader;

namespace {

// Returns the frames, or nothing when the stream is refused.
bool split(ByteView in, std::size_t chunk, std::vector<Bytes>& frames) {
  FrameReader reader;
  try {
    for (std::size_t i = 0; i < in.size(); i += chunk)
      reader.feed(in.subspan(i, std::min(chunk, in.size() - i)), [&](ByteView f) {
        if (f.empty() || f.size() > rtk::core::wire::kMaxMessageSize) std::abort();
        frames.emplace_back(f.begin(), f.end());
      });
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Protocol) std::abort();
    return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t chunk = std::size_t(data[0] % 32) + 1;
  ByteView in(data + 1, size - 1);
  std::vector<Bytes> whole, chunked;
  bool okWhole = split(in, in.size() + 1, whole);
  bool okChunked = split(in, chunk, chunked);
  if (okWhole != okChunked) std::abort();
  if (okWhole && whole != chunked) std::abort();
  std::size_t types = 0;
  FrameReader::forEachFrameType(in, [&](std::uint8_t) { ++types; });
  if (okWhole && types != whole.size()) std::abort();
  return 0;
}
