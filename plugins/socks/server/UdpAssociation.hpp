// UdpAssociation — a UDP ASSOCIATE session (RFC 1928 §7).
//
// The relay is a UDP socket on this machine, bound to the local IP of the
// control connection (127.0.0.1 for Unix-socket clients), port 0; the reply
// to the request carries its address. The control connection is only
// watched: when it closes, the association ends. The association also ends
// after IdleTimeout without a valid datagram either way.
//
// Client datagrams are accepted only from the control connection's peer IP
// (TCP clients), from the DST.ADDR / DST.PORT of the request when those are
// specific, and — after the first accepted one — only from that first
// source (address and port): others are dropped and counted. Fragments
// (FRAG ≠ 0) are dropped. Each destination (ATYP, host, port — a name is
// lower-cased and resolved once) is a target: admitted against the caps
// (MaxAssociateTargetsPerSession, then the server's total and
// per-principal caps, AssociateLimiter), given a bounded queue
// (MaxAssociateQueuedPacketsPerTarget / ...BytesPerTarget; overflow is
// dropped and counted), and forgotten after AssociateTargetIdleSeconds
// without traffic. Replies are wrapped in the header the client used for
// that target (a name stays a name) and sent to the pinned source; a reply
// that would exceed 65507 bytes is dropped and counted.
//
// Yggdrasil targets share one datagram socket of the node (listenPacket);
// replies are matched to targets by their source endpoint (two targets that
// resolve to the same endpoint: the reply goes to the one that sent last).
// With SystemProxy other targets use one UDP socket of this machine.
//
// Threads (3, bounded by MaxConnections like every session):
// "rtk-udp-<n>" polls the relay, the control connection and the direct
// socket and sweeps idle targets; "rtk-udpw-<n>" resolves targets and writes
// to them; "rtk-udpr-<n>" reads the node's datagram socket.
// Thread-safety: see Session.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "protocol/Handshake.hpp"
#include "ratatoskr/log.hpp"
#include "server/AssociateLimiter.hpp"
#include "server/ProxyCounters.hpp"
#include "server/ProxySettings.hpp"
#include "server/Session.hpp"
#include "server/UpstreamDialer.hpp"
#include "util/Fd.hpp"
#include "ratatoskr/thread.hpp"
#include "util/SocketConn.hpp"

namespace rtk::plugins::socks {

class UdpAssociation final : public Session {
 public:
  UdpAssociation(std::uint64_t id, std::unique_ptr<SocketConn> control, std::unique_ptr<ClientHandshake> handshake,
                 const UpstreamDialer& dialer, const ProxySettings& settings, Log log, ProxyCounters& counters,
                 AssociateLimiter& limiter);
  ~UdpAssociation() override;

  void start(std::function<void()> finished) override;
  void abort() noexcept override;
  void join() override;
  json::Value describe() const override;

  // The largest datagram a relay accepts or sends (IPv4 UDP payload limit).
  static constexpr std::size_t kMaxDatagramBytes = 65507;

 private:
  struct Target {
    enum class State { Pending, Ready, Failed };
    std::string key;
    Destination destination;     // as the client wrote it
    std::string header;          // its SOCKS UDP header, for replies
    State state = State::Pending;
    Endpoint endpoint;           // once Ready
    bool direct = false;         // through this machine's socket (SystemProxy)
    std::deque<std::string> queue;
    std::size_t queuedBytes = 0;
    bool inWork = false;         // listed in work_
    TimePoint lastActive;
  };

  bool setUp();
  // Makes the three threads end (closes the node's socket, wakes the others).
  void stopThreads() noexcept;
  void run();
  void clientLoop();
  void readNode();
  void writeTargets();
  void onClientDatagram(const std::uint8_t* data, std::size_t size, const Endpoint& from);
  void onDirectReply();
  void sendReply(const std::shared_ptr<Target>& target, const std::uint8_t* payload, std::size_t size);
  void resolveTarget(const std::shared_ptr<Target>& target);
  void dropPacket();
  void removeTarget(const std::string& key);  // mutex_ held
  int sweepIdleTargets();                     // returns ms until the next expiry, -1 for none
  void replyFailure(ReplyCode code, const std::string& why);

  const std::uint64_t id_;
  std::unique_ptr<SocketConn> control_;
  std::unique_ptr<ClientHandshake> handshake_;
  const UpstreamDialer& dialer_;
  const ProxySettings& settings_;
  Log log_;
  ProxyCounters& counters_;
  AssociateLimiter& limiter_;
  const std::string clientLabel_;
  std::string principal_;
  bool controlIsTcp_ = true;
  Endpoint controlPeer_;
  Destination requested_;  // DST of the request: who may send

  Fd relay_;
  Fd direct_;
  Fd wake_;
  std::unique_ptr<PacketConn> node_;
  std::string relayAddress_;

  mutable std::mutex mutex_;
  std::condition_variable workReady_;
  bool stopping_ = false;
  std::optional<Endpoint> pinned_;
  std::map<std::string, std::shared_ptr<Target>> targets_;
  std::map<Endpoint, std::shared_ptr<Target>> byEndpoint_;
  std::deque<std::shared_ptr<Target>> work_;
  TimePoint lastValid_;

  rtk::Thread loop_, writer_, reader_;
};

}  // namespace rtk::plugins::socks
