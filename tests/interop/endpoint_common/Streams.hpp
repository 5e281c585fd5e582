// Byte streams with digests for the endpoint suites: a seeded pseudo-random
// stream written to an rtk::Conn, a reader that hashes to end of stream, and
// rtk_interop_xfer (the kernel side) run in a namespace.
// Thread-safety: free functions; each call uses its own objects.
#pragma once

#include "Netns.hpp"

#include <ratatoskr/net.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

namespace rtk::interop {

struct StreamDigest {
  std::uint64_t bytes = 0;
  std::string sha256;
  double seconds = 0;
};

// SHA-256 (hex) of a byte range.
std::string sha256Hex(const void* data, std::size_t size);

// Writes `bytes` of the stream seeded by `seed`, then closeWrite(). Errors
// of the connection propagate (rtk::Error).
StreamDigest sendStream(Conn& conn, std::uint64_t bytes, std::uint64_t seed);
// Reads to end of stream.
StreamDigest receiveStream(Conn& conn);

// rtk_interop_xfer in a namespace (see tests/interop/tools/xfer): the
// kernel TCP end of a transfer with our node.
class XferProcess {
 public:
  // recv: bind address/port; send: destination address/port and bytes.
  static XferProcess receiver(const Netns& netns, const std::string& bindAddress, int port, int timeoutMs,
                              const std::filesystem::path& log);
  static XferProcess sender(const Netns& netns, const std::string& address, int port, std::uint64_t bytes,
                            int timeoutMs, const std::filesystem::path& log);
  // Waits for the process to exit and parses its JSON line. Throws
  // rtk::Error(Io) with the log when it failed or printed an error.
  StreamDigest result(int timeoutMs);
  pid_t pid() const { return process_.pid(); }

 private:
  XferProcess(Subprocess process, std::filesystem::path log) : process_(std::move(process)), log_(std::move(log)) {}
  Subprocess process_;
  std::filesystem::path log_;
};

}  // namespace rtk::interop
