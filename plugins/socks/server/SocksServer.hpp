// SocksServer — the proxy's front: the listening sockets, every client's
// handshake, and the sessions that follow.
//
// One thread, "rtk-socks", runs an epoll loop over the listeners and every
// client still in its handshake: a client that sends half a greeting costs
// a file descriptor and a few hundred bytes, never a thread. When a
// handshake completes, the client is handed to a Session (Tunnel for
// CONNECT, UdpAssociation for UDP ASSOCIATE). Tunnels resolve and dial on
// the server's DialPool (at most kDialThreads workers) and are relayed by
// its kRelayThreads RelayLoops, so held tunnels cost no thread each; a UDP
// association still owns three threads.
//
// Admission: at most MaxConnections clients at once, handshakes and
// sessions together. When a new client arrives at the limit, the oldest
// client still in its handshake is closed to make room (so clients holding
// half a handshake cannot lock out real ones); when every slot is a
// session, the listeners are not polled until one ends (clients wait in the
// kernel's backlog, as with Go's proxy). accept() failures for lack of
// descriptors or memory pause accepting for 10 ms, doubling to 1 s.
// Handshakes end at HandshakeTimeout (the deadline also bounds the name
// lookup that follows).
//
// Errors: start() throws rtk::Error naming the listener that cannot be
// opened and leaves nothing running. Bad clients are logged (one line,
// naming the client) and closed; they never stop the server.
// Thread-safety: start/stop from the plugin's lifecycle thread;
// setMaxConnections and snapshot from any thread.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "protocol/Handshake.hpp"
#include "ratatoskr/json.hpp"
#include "ratatoskr/log.hpp"
#include "server/AssociateLimiter.hpp"
#include "server/DialPool.hpp"
#include "server/HostListener.hpp"
#include "server/ProxyCounters.hpp"
#include "server/ProxySettings.hpp"
#include "server/RelayLoop.hpp"
#include "server/Session.hpp"
#include "server/UpstreamDialer.hpp"
#include "util/Fd.hpp"
#include "ratatoskr/thread.hpp"

namespace rtk::plugins::socks {

class SocksServer {
 public:
  static constexpr std::size_t kDialThreads = 32;
  static constexpr std::size_t kRelayThreads = 2;

  SocksServer(ProxySettings settings, const UpstreamDialer& dialer, Log log);
  ~SocksServer();
  SocksServer(const SocksServer&) = delete;
  SocksServer& operator=(const SocksServer&) = delete;

  void start();
  // Closes the listeners and every client, waits for every session. Idempotent.
  void stop();

  // Takes effect at once; clients beyond a lowered limit are not closed,
  // new ones wait until the count is below it. At least 1.
  void setMaxConnections(std::size_t max);
  std::size_t maxConnections() const noexcept { return maxConnections_.load(); }
  // The bound addresses, in the order configured.
  std::vector<std::string> boundAddresses() const;
  // Counters, gauges and the sessions (see README, "getSocks").
  json::Value snapshot() const;
  const ProxyCounters& counters() const noexcept { return counters_; }

 private:
  struct Client {
    Fd fd;
    std::string label;  // "socks client 127.0.0.1:4242"
    std::unique_ptr<ClientHandshake> handshake;
    Deadline deadline;
    std::size_t bytesSeen = 0;
  };

  void run();
  void acceptFrom(std::size_t listener);
  void readClient(std::uint64_t id);
  void closeClient(std::uint64_t id, const std::string& why, bool failure);
  void handOff(std::uint64_t id);
  void expireHandshakes();
  void reapSessions();
  void updateListening();
  void setListening(bool on);
  int waitTimeoutMs() const;
  bool full() const;
  void shutdownAll();
  void wake() noexcept;

  ProxySettings settings_;
  const UpstreamDialer& dialer_;
  Log log_;
  ProxyCounters counters_;
  AssociateLimiter limiter_;
  std::atomic<std::size_t> maxConnections_;
  std::atomic<bool> stopping_{false};

  std::vector<HostListener> listeners_;
  std::vector<std::string> bound_;
  Fd epoll_;
  Fd wake_;
  rtk::Thread thread_;
  DialPool dials_{kDialThreads};
  std::vector<std::unique_ptr<RelayLoop>> relays_;

  // Owned by the loop thread.
  std::map<std::uint64_t, Client> clients_;  // by id: oldest first
  std::uint64_t nextId_ = 1;
  bool listening_ = false;
  TimePoint acceptPausedUntil_{};
  std::chrono::milliseconds acceptBackoff_{10};

  // Written by the loop thread, read by snapshot().
  mutable std::mutex sessionsMutex_;
  std::map<std::uint64_t, std::unique_ptr<Session>> sessions_;

  std::mutex finishedMutex_;
  std::vector<std::uint64_t> finished_;
};

}  // namespace rtk::plugins::socks
