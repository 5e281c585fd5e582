// Tunnel — a CONNECT session (SOCKS5 or HTTP): resolve the destination,
// dial it (UpstreamDialer), answer the client, then copy both ways until
// both sides ended, one failed, or the tunnel sat idle for IdleTimeout.
//
// Threads: resolving, dialling and answering run on the server's DialPool
// (a fixed number of "rtk-sockd-<n>" workers); the copying on one of the
// server's RelayLoops (epoll, a fixed number of "rtk-sockr-<n>" threads for
// every tunnel). So a tunnel costs descriptors and buffers, not threads.
// Only a destination connection without the non-blocking form (a network
// service older than SDK network 1.1) is copied the old way, by two threads
// of its own ("rtk-socks-<n>" destination → client, "rtk-sockw-<n>" client →
// destination), still bounded by MaxConnections.
// Thread-safety: see Session.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

#include "protocol/Handshake.hpp"
#include "ratatoskr/cancel.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/thread.hpp"
#include "server/DialPool.hpp"
#include "server/ProxyCounters.hpp"
#include "server/ProxySettings.hpp"
#include "server/Relay.hpp"
#include "server/RelayLoop.hpp"
#include "server/Session.hpp"
#include "server/UpstreamDialer.hpp"
#include "util/SocketConn.hpp"

namespace rtk::plugins::socks {

// What tunnels run on, owned by the server.
struct TunnelEngine {
  DialPool& dials;
  RelayLoop& relay;  // the loop this tunnel is given to
};

class Tunnel final : public Session {
 public:
  // `resolveBy`: the handshake's deadline, which also bounds the name
  // lookup (nullopt: none).
  Tunnel(std::uint64_t id, std::unique_ptr<SocketConn> client, std::unique_ptr<ClientHandshake> handshake,
         Deadline resolveBy, const UpstreamDialer& dialer, const ProxySettings& settings, Log log,
         ProxyCounters& counters, TunnelEngine engine);
  ~Tunnel() override;

  void start(std::function<void()> finished) override;
  void abort() noexcept override;
  void join() override;
  json::Value describe() const override;

 private:
  void run();  // on a dial worker
  // Resolves and dials; answers the client with the failure and returns
  // false when that fails.
  bool connect();
  void replyToClient(const std::string& bytes);
  // Hands the tunnel to the relay loop; false when the destination has no
  // non-blocking form.
  bool relayOnLoop();
  void relayOnThreads();
  void logEnd(const RelayResult& up, const RelayResult& down);
  // The tunnel's last act: closes both sides, marks it complete, reports.
  void complete();

  const std::uint64_t id_;
  std::unique_ptr<SocketConn> client_;
  std::unique_ptr<ClientHandshake> handshake_;
  const Deadline resolveBy_;
  const UpstreamDialer& dialer_;
  const ProxySettings& settings_;
  Log log_;
  ProxyCounters& counters_;
  TunnelEngine engine_;
  const std::string clientLabel_;
  const std::string destinationLabel_;

  CancelSource cancel_;
  mutable std::mutex mutex_;
  std::condition_variable completed_;
  bool started_ = false;   // guarded: start() handed it to the dial pool
  bool complete_ = false;  // guarded
  bool aborted_ = false;   // guarded
  std::function<void()> finished_;
  std::unique_ptr<Conn> upstream_;  // set once connected; lives until the tunnel is destroyed
  std::string upstreamAddress_;
  IdleClock idle_;
  rtk::Thread main_, writer_;  // only for relayOnThreads
};

}  // namespace rtk::plugins::socks
