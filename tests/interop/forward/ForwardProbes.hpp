// Probes the forward interop test runs in the namespaces: a TCP transfer
// whose two ends sit on different addresses (a forward in between), UDP
// echo runs with numbered datagrams, and a PROXY v2 header catcher. The
// probes are small Python programs written into the lab directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "Netns.hpp"
#include "Subprocess.hpp"
#include "TcpTransfer.hpp"

namespace rtk::interop::forward {

// rtk_interop_xfer's receiver bound to bindAddress:port in `to`, its sender
// in `from` connecting to connectAddress:connectPort: SHA-256 on both ends.
TransferResult forwardedTransfer(const Netns& from, const std::string& connectAddress, int connectPort, const Netns& to,
                                 const std::string& bindAddress, int bindPort, std::uint64_t bytes, int timeoutMs,
                                 const std::filesystem::path& scratchDir);

// What the UDP echo server saw, read from its report file.
struct UdpServerReport {
  int received = 0;  // datagrams, duplicates included
  int unique = 0;
  int duplicates = 0;
  int sources = 0;   // distinct source ports (one per forwarder session)
  int firsts = 0;    // sessions whose datagram 0 arrived
};

// What the UDP client saw.
struct UdpClientReport {
  int sent = 0;
  int echoed = 0;  // unique echoes back
  int duplicates = 0;
  int firstsEchoed = 0;
  double seconds = 0;
};

// A UDP echo server in `ns` on address:port that also writes a report.
class UdpEchoServer {
 public:
  UdpEchoServer(const Netns& ns, const std::string& address, int port, const std::filesystem::path& dir);
  UdpServerReport report() const;

 private:
  std::filesystem::path reportPath_;
  Subprocess process_;
};

// `sessions` client sockets (one source port each), `perSession` numbered
// datagrams each, at most `window` unanswered at a time, to address:port.
UdpClientReport runUdpClient(const Netns& ns, const std::string& address, int port, int sessions, int perSession, int window,
                             const std::filesystem::path& dir);

// A TCP server on 127.0.0.1:port in `ns` that reads a PROXY v2 header and one
// line, answers "ok\n" and writes what it read as JSON to `reportPath`.
Subprocess startProxyCatcher(const Netns& ns, int port, const std::filesystem::path& reportPath);

// Connects from `ns` to address:port, sends `line` and returns what came back
// before the end of the stream ("" when the connection was closed at once)
// or "error:<errno name>".
std::string tcpExchange(const Netns& ns, const std::string& address, int port, const std::string& line,
                        const std::filesystem::path& dir);

}  // namespace rtk::interop::forward
