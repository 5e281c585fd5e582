// A bounded TCP transfer between two namespaces with SHA-256 on both ends
// (rtk_interop_xfer), e.g. over two nodes' TUN addresses.
// Thread-safety: one thread (spawns a receiver process).
#pragma once

#include "Netns.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace rtk::interop {

struct TransferResult {
  std::uint64_t bytesSent = 0;
  std::uint64_t bytesReceived = 0;
  std::string sha256Sent;
  std::string sha256Received;
  double seconds = 0;  // sender's time from connect to the receiver's close
  bool intact() const {
    return bytesSent == bytesReceived && !sha256Sent.empty() && sha256Sent == sha256Received;
  }
  double megabitsPerSecond() const { return seconds > 0 ? bytesReceived * 8.0 / seconds / 1e6 : 0; }
};

// Starts a receiver in `to` bound to toAddress:port, sends `bytes` from
// `from`, and returns both sides' counts and digests. The receiver's output
// goes to scratchDir/xfer-recv-<port>.log. Throws rtk::Error(Io) with both
// sides' output when either side fails or times out (timeoutMs bounds each).
TransferResult tcpTransfer(const Netns& from, const Netns& to, const std::string& toAddress, int port,
                           std::uint64_t bytes, int timeoutMs, const std::filesystem::path& scratchDir);

}  // namespace rtk::interop
