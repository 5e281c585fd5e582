// UdpForwarder — a LocalUDP or RemoteUDP mapping: one receiving thread
// ("rtk-fwd-recv") on the front socket and one session per client.
//
// A session is keyed by the client's address and port. The first datagram
// of a client opens its session (connected upstream socket, thread
// "rtk-fwd-udp" for the replies) and is sent at once: none is dropped while
// the session starts (yggstack drops each session's first datagram). Over
// MaxUDPSessions (plugin-wide) the datagram is dropped (a warning at most
// once a second). Datagrams above the packet size are dropped before any
// session (counted as oversize). RemoteUDP checks the sender against the
// allow list first. A session ends after UDPTimeout without a datagram
// either way; replies that cannot be written within UDPWriteTimeout are
// dropped and counted.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "Counters.hpp"
#include "DatagramEnds.hpp"
#include "ForwardContext.hpp"
#include "Forwarder.hpp"
#include "Mapping.hpp"
#include "ratatoskr/thread.hpp"

namespace rtk::plugins::forward {

class UdpSession;

class UdpForwarder final : public Forwarder {
 public:
  // Binds at once; rtk::Error naming the mapping when it cannot.
  UdpForwarder(ForwardContext& context, Mapping mapping);
  ~UdpForwarder() override;

  void start() override;
  void stop() override;
  json::Value snapshot() const override;

 private:
  friend class UdpSession;
  void receiveLoop();
  std::shared_ptr<UdpSession> sessionFor(const ClientAddress& from);
  std::unique_ptr<DatagramUpstream> openUpstream();
  void sessionEnded(const std::shared_ptr<UdpSession>& session);

  ForwardContext& ctx_;
  const Mapping mapping_;
  const std::string name_;
  std::unique_ptr<DatagramFront> front_;
  Counters counters_;
  RateLimit overLimitWarning_, deniedWarning_, dialWarning_;
  Thread receiveThread_;

  mutable std::mutex mutex_;
  std::condition_variable allEnded_;
  std::map<std::string, std::shared_ptr<UdpSession>> sessions_;  // guarded
};

}  // namespace rtk::plugins::forward
