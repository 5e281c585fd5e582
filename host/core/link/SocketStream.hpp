// SocketStream — the bottom layer: a connected, non-blocking stream socket
// (TCP or unix). Writes use MSG_NOSIGNAL, so a closed peer is an error, never
// a SIGPIPE. Thread-safety: none (see Stream.hpp).
#pragma once

#include "core/link/Stream.hpp"
#include "core/link/UniqueFd.hpp"

namespace rtk::core::link {

class SocketStream : public Stream {
 public:
  // Takes a connected socket; makes it non-blocking and close-on-exec.
  explicit SocketStream(UniqueFd fd);

  IoResult handshake() override { return IoResult::done(); }
  IoResult read(std::span<std::uint8_t> buf) override;
  IoResult write(ByteView data) override;
  IoResult flush() override { return IoResult::done(); }
  void shutdown() override;
  int fd() const override { return fd_.get(); }

 private:
  UniqueFd fd_;
};

}  // namespace rtk::core::link
