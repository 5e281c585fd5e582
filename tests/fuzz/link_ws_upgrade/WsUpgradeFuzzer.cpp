// Fuzzes WsStream's upgrade: the HTTP head the peer sends (a request when
// we serve, a response when we dial) and the frames after it, through the
// public Stream API over an in-memory layer (no socket). The first byte
// picks our role (bit 0: 0 server, 1 client) and how many bytes each read
// returns (bits 1..7, plus one); the rest is what the peer sent. The
// stream must end in a finished handshake, a clean end (health check), or
// rtk::Error — never another exception, a crash, or more than the head
// limit of buffered head bytes.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "core/link/WsStream.hpp"
#include "ratatoskr/error.hpp"

using rtk::core::ByteView;
using rtk::core::link::IoResult;
using rtk::core::link::IoWait;
using rtk::core::link::Stream;
using rtk::core::link::WsStream;

namespace {

// The layer beneath: reads return the peer's bytes `chunk` at a time, then
// end of stream; writes are accepted whole and counted.
class MemoryStream final : public Stream {
 public:
  MemoryStream(ByteView in, std::size_t chunk) : in_(in), chunk_(chunk) {}
  IoResult handshake() override { return IoResult::done(); }
  IoResult read(std::span<std::uint8_t> buf) override {
    if (pos_ == in_.size()) return IoResult::end();
    const std::size_t n = std::min({buf.size(), chunk_, in_.size() - pos_});
    std::copy_n(in_.begin() + static_cast<std::ptrdiff_t>(pos_), n, buf.begin());
    pos_ += n;
    return IoResult::done(n);
  }
  IoResult write(ByteView data) override {
    written_ += data.size();
    return IoResult::done(data.size());
  }
  IoResult flush() override { return IoResult::done(); }
  void shutdown() override {}
  int fd() const override { return -1; }

 private:
  ByteView in_;
  std::size_t chunk_;
  std::size_t pos_ = 0;
  std::size_t written_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool client = (data[0] & 1) != 0;
  const std::size_t chunk = std::size_t(data[0] >> 1) + 1;
  auto inner = std::make_unique<MemoryStream>(ByteView(data + 1, size - 1), chunk);
  std::unique_ptr<WsStream> ws = client ? WsStream::client(std::move(inner), "example.com", "/ygg")
                                        : WsStream::server(std::move(inner));
  try {
    // Each call either progresses or reports that it waits; the memory
    // layer never blocks, so a bounded number of calls must finish.
    IoResult r;
    for (std::size_t calls = 0;; ++calls) {
      if (calls > size + 8) std::abort();  // no progress: a loop in the handshake
      r = ws->handshake();
      if (r.eof || r.wait == IoWait::None) break;
    }
    if (r.eof) return 0;  // health check answered
    std::vector<std::uint8_t> buf(4096);
    for (std::size_t calls = 0;; ++calls) {
      if (calls > size + 8) std::abort();
      IoResult got = ws->read(buf);
      if (got.eof) break;
      if (got.bytes > buf.size()) std::abort();
    }
    ws->shutdown();
  } catch (const rtk::Error&) {
    // Refused, malformed, or a protocol error in the frames: all fine.
  }
  return 0;
}
