// An in-memory Stream for layer tests: reads come from `input` (blocked
// when it is empty, end() once `eof` is set), writes go to `output`.
#pragma once

#include <algorithm>
#include <cstring>

#include "core/link/Stream.hpp"

namespace rtk::test {

class MemoryStream : public core::link::Stream {
 public:
  using IoResult = core::link::IoResult;
  using IoWait = core::link::IoWait;

  core::Bytes input;
  core::Bytes output;
  bool eof = false;
  std::size_t maxWrite = SIZE_MAX;  // accept at most this much per write()

  IoResult handshake() override { return IoResult::done(); }
  IoResult read(std::span<std::uint8_t> buf) override {
    if (input.empty()) return eof ? IoResult::end() : IoResult::blocked(IoWait::Read);
    std::size_t n = std::min(buf.size(), input.size());
    std::memcpy(buf.data(), input.data(), n);
    input.erase(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(n));
    return IoResult::done(n);
  }
  IoResult write(core::ByteView data) override {
    if (maxWrite == 0) return IoResult::blocked(IoWait::Write);
    std::size_t n = std::min(data.size(), maxWrite);
    output.insert(output.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
    return IoResult::done(n);
  }
  IoResult flush() override { return IoResult::done(); }
  void shutdown() override { shutDown = true; }
  int fd() const override { return -1; }
  bool shutDown = false;
};

}  // namespace rtk::test
