#include "core/wire/Frame.hpp"

#include <string>

#include "ratatoskr/error.hpp"

namespace rtk::core::wire {

void FrameSplitter::feed(ByteView bytes) {
  if (start_ > 0 && start_ >= buf_.size() / 2) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(start_));
    start_ = 0;
  }
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
}

std::optional<ByteView> FrameSplitter::next() {
  ByteView avail(buf_.data() + start_, buf_.size() - start_);
  std::uint64_t length = 0;
  const int n = decodeUvarint(avail, length);
  if (n < 0) throw Error(Errc::Protocol, "wire: frame length is not a valid uvarint");
  if (n == 0) return std::nullopt;
  if (length > max_)
    throw Error(Errc::Protocol, "wire: frame of " + std::to_string(length) + " bytes exceeds the limit of " +
                                    std::to_string(max_));
  const std::size_t header = static_cast<std::size_t>(n);
  if (avail.size() - header < length) return std::nullopt;
  ByteView frame = avail.subspan(header, static_cast<std::size_t>(length));
  start_ += header + static_cast<std::size_t>(length);
  return frame;
}

}  // namespace rtk::core::wire
