// Fuzzes the frame splitter: the stream is fed in chunks whose sizes come
// from the input itself, and through a gate that holds frames back (as a
// link does while the router is behind); the frames must be the same
// however it is chunked or held.
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

// Returns the frames, or nothing when the stream is refused. A non-zero
// `holdEvery` makes the gate refuse every holdEvery-th ask; each chunk is
// then followed by feed({}) until the held frames are out.
bool split(ByteView in, std::size_t chunk, std::vector<Bytes>& frames, unsigned holdEvery = 0) {
  FrameReader reader;
  unsigned asks = 0;
  const FrameReader::FrameHandler take = [&](ByteView f) {
    if (f.empty() || f.size() > rtk::core::wire::kMaxMessageSize) std::abort();
    frames.emplace_back(f.begin(), f.end());
  };
  FrameReader::FrameGate gate;
  if (holdEvery) gate = [&] { return ++asks % holdEvery != 0; };
  try {
    for (std::size_t i = 0; i < in.size(); i += chunk) {
      reader.feed(in.subspan(i, std::min(chunk, in.size() - i)), take, gate);
      // Each refusal holds at most the frames left in the buffer; a few
      // resumes per buffered byte always drain them.
      const std::size_t resumes = holdEvery ? 2 * reader.buffered() + 1 : 0;
      for (std::size_t n = 0; n < resumes && reader.buffered() > 0; ++n) reader.feed({}, take, gate);
    }
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
  std::vector<Bytes> whole, chunked, held;
  bool okWhole = split(in, in.size() + 1, whole);
  bool okChunked = split(in, chunk, chunked);
  bool okHeld = split(in, chunk, held, unsigned(data[0] >> 5) + 2);
  if (okWhole != okChunked || okWhole != okHeld) std::abort();
  if (okWhole && (whole != chunked || whole != held)) std::abort();
  std::size_t types = 0;
  FrameReader::forEachFrameType(in, [&](std::uint8_t) { ++types; });
  if (okWhole && types != whole.size()) std::abort();
  return 0;
}
