// iperf3 (3.12) between namespaces, results parsed from its JSON.
// Thread-safety: one thread.
#pragma once

#include "Netns.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace rtk::interop {

struct IperfOptions {
  int seconds = 10;
  int omitSeconds = 1;  // warm-up excluded from the result (iperf3 -O)
  int streams = 1;      // -P
  bool udp = false;
  double udpRateBps = 0;     // -b for UDP (total over all streams)
  int udpPayloadBytes = 1200;  // -l for UDP
};

struct IperfResult {
  double goodputBps = 0;  // receiver side: TCP bits/s; UDP (packets - lost) * payload * 8 / s
  double senderBps = 0;   // sender side bits/s
  std::uint64_t receivedBytes = 0;
  double seconds = 0;
  // UDP only (receiver side).
  double lostPercent = 0;
  std::int64_t lostPackets = 0;
  std::int64_t packets = 0;
  double jitterMs = 0;
  int retransmits = 0;  // TCP sender retransmits
};

// `iperf3 -s -B bindAddress -p port` in a namespace until destroyed.
class Iperf3Server {
 public:
  // Starts the server and waits (bounded) until it listens. Throws
  // rtk::Error(Io) with its log if it exits or does not listen in 5 s.
  Iperf3Server(const Netns& netns, const std::string& bindAddress, int port,
               const std::filesystem::path& logPath);
  int port() const { return port_; }
  pid_t pid() const { return process_.pid(); }

 private:
  int port_;
  Subprocess process_;
};

// One iperf3 client run in `from` against address:port; the process gets
// seconds + omit + 20 s. Throws rtk::Error(Io) if iperf3 fails, with its
// error text.
IperfResult iperf3Client(const Netns& from, const std::string& address, int port, const IperfOptions& options);

}  // namespace rtk::interop
