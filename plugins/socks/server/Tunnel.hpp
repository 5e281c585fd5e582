// Tunnel — a CONNECT session (SOCKS5 or HTTP): resolve the destination,
// dial it (UpstreamDialer), answer the client, then copy both ways until
// both sides ended, one failed, or the tunnel sat idle for IdleTimeout.
//
// Threads: "rtk-socks-<n>" resolves, dials, answers and copies destination
// → client; "rtk-sockw-<n>" copies client → destination once the
// destination is connected. At most MaxConnections tunnels exist, so the
// proxy holds at most 2 × MaxConnections such threads (the node's network
// service is blocking: see README, "Scale").
// Thread-safety: see Session.
#pragma once

#include <memory>
#include <mutex>

#include "protocol/Handshake.hpp"
#include "ratatoskr/cancel.hpp"
#include "ratatoskr/log.hpp"
#include "server/ProxyCounters.hpp"
#include "server/ProxySettings.hpp"
#include "server/Relay.hpp"
#include "server/Session.hpp"
#include "server/UpstreamDialer.hpp"
#include "ratatoskr/thread.hpp"
#include "util/SocketConn.hpp"

namespace rtk::plugins::socks {

class Tunnel final : public Session {
 public:
  // `resolveBy`: the handshake's deadline, which also bounds the name
  // lookup (nullopt: none).
  Tunnel(std::uint64_t id, std::unique_ptr<SocketConn> client, std::unique_ptr<ClientHandshake> handshake,
         Deadline resolveBy, const UpstreamDialer& dialer, const ProxySettings& settings, Log log,
         ProxyCounters& counters);
  ~Tunnel() override;

  void start(std::function<void()> finished) override;
  void abort() noexcept override;
  void join() override;
  json::Value describe() const override;

 private:
  void run();
  // Resolves and dials; answers the client with the failure and returns
  // false when that fails.
  bool connect();
  void replyToClient(const std::string& bytes);

  const std::uint64_t id_;
  std::unique_ptr<SocketConn> client_;
  std::unique_ptr<ClientHandshake> handshake_;
  const Deadline resolveBy_;
  const UpstreamDialer& dialer_;
  const ProxySettings& settings_;
  Log log_;
  ProxyCounters& counters_;
  const std::string clientLabel_;
  const std::string destinationLabel_;

  CancelSource cancel_;
  mutable std::mutex mutex_;
  bool aborted_ = false;
  std::unique_ptr<Conn> upstream_;  // set once connected; lives until the tunnel is destroyed
  std::string upstreamAddress_;
  IdleClock idle_;
  rtk::Thread main_, writer_;
};

}  // namespace rtk::plugins::socks
