// UdpSession — one client of a UDP mapping: its connected upstream socket
// and the thread ("rtk-fwd-udp") that carries the service's replies back
// through the mapping's front socket.
//
// forward() is called by the mapping's receiving thread for each datagram
// from the client; the session's thread waits for replies, and ends the
// session after `timeout` with no datagram either way (or at close()).
// Then `ended(this)` runs on the session's thread, once; the reaper joins it.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include "Counters.hpp"
#include "DatagramEnds.hpp"
#include "ratatoskr/thread.hpp"
#include "Reaper.hpp"

namespace rtk::plugins::forward {

class UdpSession final : public Retiring, public std::enable_shared_from_this<UdpSession> {
 public:
  struct Limits {
    std::chrono::milliseconds timeout{120'000};
    std::chrono::milliseconds writeTimeout{5'000};
    std::size_t maxPacket = 65535;
  };
  using Ended = std::function<void(const std::shared_ptr<UdpSession>&)>;

  UdpSession(ClientAddress client, std::unique_ptr<DatagramUpstream> upstream, DatagramFront& front, Limits limits,
             Counters& counters);
  ~UdpSession() override;

  // Throws rtk::Error(Errc::Io) when no thread can be started.
  void start(Ended ended);
  // One datagram from the client to the service; false when it was dropped.
  bool forward(const std::uint8_t* data, std::size_t size);
  // Ends the session; any thread.
  void close();
  void joinThreads() override { thread_.join(); }
  const ClientAddress& client() const { return client_; }

 private:
  void run();
  void touch();
  bool expired() const;

  const ClientAddress client_;
  std::unique_ptr<DatagramUpstream> upstream_;
  DatagramFront& front_;
  const Limits limits_;
  Counters& counters_;
  Ended ended_;
  std::atomic<std::int64_t> lastActivityNs_{0};
  Thread thread_;
};

}  // namespace rtk::plugins::forward
