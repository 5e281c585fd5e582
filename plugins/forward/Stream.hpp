// Stream — one side of a forwarded TCP connection, whichever network it is
// on: HostStream (a host socket) or YggStream (an rtk::Conn of the node).
//
// read() returns 0 at the end of the stream; deadlines are absolute; close()
// may come from any thread and wakes the others (their calls then fail with
// Errc::Closed). One reader and one writer at a time, as rtk::Conn allows.
// Errors: rtk::Error (Timeout, Closed, Reset, Io).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include "HostSocket.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::plugins::forward {

class Stream {
 public:
  virtual ~Stream() = default;
  virtual std::size_t read(void* data, std::size_t size, Deadline deadline) = 0;
  virtual void writeAll(const void* data, std::size_t size, Deadline deadline) = 0;
  // No more writes; the peer reads the end of the stream.
  virtual void closeWrite() = 0;
  // Ends the connection (an orderly close); idempotent, any thread.
  virtual void close() = 0;
  // Ends it with a reset: for errors, so the far side knows it was cut.
  virtual void abort() = 0;
};

class HostStream final : public Stream {
 public:
  explicit HostStream(Fd fd);
  std::size_t read(void* data, std::size_t size, Deadline deadline) override;
  void writeAll(const void* data, std::size_t size, Deadline deadline) override;
  void closeWrite() override;
  void close() override;
  void abort() override;

 private:
  [[noreturn]] void failClosedOrTimeout(const char* op) const;

  Fd fd_;  // closed by the destructor only, so no other thread sees a reused number
  std::atomic<bool> closed_{false};
};

class YggStream final : public Stream {
 public:
  explicit YggStream(std::unique_ptr<Conn> conn) : conn_(std::move(conn)) {}
  std::size_t read(void* data, std::size_t size, Deadline deadline) override;
  void writeAll(const void* data, std::size_t size, Deadline deadline) override;
  void closeWrite() override { conn_->closeWrite(); }
  void close() override { conn_->close(); }
  void abort() override { conn_->abort(); }

 private:
  std::unique_ptr<Conn> conn_;
};

}  // namespace rtk::plugins::forward
