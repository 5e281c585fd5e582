// Link — one peer connection and the thread ("rtk-link-N") that owns it.
//
// The thread does everything that touches the socket, in order:
//   1. outbound: resolve (Poco DNS), connect each suitable address in turn
//      with the dial timeout, and set up the transport stack (TLS, SOCKS,
//      WebSocket); inbound: set up the server side of the stack;
//   2. exchange version metadata (6 s deadline) and check it: version 0.5,
//      pinned keys, AllowedPublicKeys (inbound, non-local links only), not
//      our own key; priority = the higher of both sides;
//   3. PeerRegistry::addPeer, then the frame loop: poll() on the socket and
//      an eventfd, frames to PeerEndpoint::handleFrame, takeOutbound()'s
//      bytes to the socket, ironwood's keepalive/timeout rules;
//   4. on any end: removePeer, a best-effort goodbye (TLS close_notify,
//      WebSocket close), close the socket, report to the manager.
// Every failure and refusal is logged once, with the peer URI and reason.
// A Probe link stops after step 2 (logged at debug level): probeResult()
// then holds the remote key and the handshake's round trip, and the thread
// is named "rtk-probe-N".
//
// Thread-safety: start() once, from the creating thread. close(), join(),
// wakeWriter(), closeTransport(), snapshot() and the counters are safe from
// any thread; join() never from the link's own thread (the callbacks), where
// it throws. The callbacks run on the link thread and must not block on it.
// The thread holds a reference to its Link until it ends, so the owner must
// join() before it drops its own (LinkManager does, in onLinkClosed and
// stop()): a Link destroyed by its own thread could never be joined.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/Ed25519.hpp"
#include "core/link/LinkTiming.hpp"
#include "core/link/PeerUri.hpp"
#include "core/link/SocketAddress.hpp"
#include "core/link/Stream.hpp"
#include "core/link/TlsContext.hpp"
#include "core/link/UniqueFd.hpp"
#include "core/router/PeerPorts.hpp"
#include "core/util/Thread.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::core::link {

// Settings every link of a manager shares; immutable once links exist.
struct LinkEnvironment {
  crypto::SigningKey key;
  std::vector<PublicKey> allowedPublicKeys;  // empty: every inbound key allowed
  router::PeerRegistry* registry = nullptr;
  std::shared_ptr<const TlsContext> tls;
  rtk::Log log;  // subsystem "links"
  LinkTiming timing;
};

// link.go's linkType, plus Probe: an outbound link that stops after the
// handshake and its checks, without registering with the router
// (LinkManager::probePeer).
enum class LinkKind { Persistent, Ephemeral, Incoming, Probe };

class Link : public router::PeerTransport, public std::enable_shared_from_this<Link> {
 public:
  using Clock = std::chrono::steady_clock;

  struct Snapshot {
    bool up = false;  // handshake done, registered with the router
    PublicKey key;
    std::uint8_t priority = 0;
    Clock::time_point upSince{};
    std::shared_ptr<router::PeerEndpoint> endpoint;
  };

  // Link thread, after the handshake, before the first frame.
  using UpHandler = std::function<void(const std::shared_ptr<Link>&)>;
  // Link thread, exactly once, as its last act. `error` says why the link
  // ended ("remote side closed the connection", "peer removed", ...);
  // wasUp tells whether the handshake had succeeded.
  using ClosedHandler = std::function<void(const std::shared_ptr<Link>&, const std::string& error, bool wasUp)>;

  static std::shared_ptr<Link> outbound(std::uint64_t id, PeerUri uri, std::string sourceInterface, LinkKind kind,
                                        std::shared_ptr<const LinkEnvironment> env, UpHandler onUp,
                                        ClosedHandler onClosed);
  // `uri`: the listener URI with the remote address (its options apply);
  // `local`: a multicast listener's link, exempt from AllowedPublicKeys.
  static std::shared_ptr<Link> inbound(std::uint64_t id, PeerUri uri, std::string sourceInterface, UniqueFd socket,
                                       bool local, std::shared_ptr<const LinkEnvironment> env, UpHandler onUp,
                                       ClosedHandler onClosed);
  ~Link() override;

  void start();
  // Ends the link with `reason` as its error; idempotent.
  void close(const std::string& reason);
  // Waits for the thread to finish; idempotent.
  void join();

  // router::PeerTransport
  void wakeWriter() override;
  void closeTransport(const std::string& reason) override { close(reason); }

  std::uint64_t id() const { return id_; }
  const PeerUri& uri() const { return uri_; }
  const std::string& sourceInterface() const { return sourceInterface_; }
  LinkKind kind() const { return kind_; }
  std::uint64_t rxBytes() const { return rxBytes_.load(std::memory_order_relaxed); }
  std::uint64_t txBytes() const { return txBytes_.load(std::memory_order_relaxed); }
  // Frames received from the peer and frames handed to its socket (keepalives included).
  std::uint64_t rxPackets() const { return rxPackets_.load(std::memory_order_relaxed); }
  std::uint64_t txPackets() const { return txPackets_.load(std::memory_order_relaxed); }
  Snapshot snapshot() const;

  // Probe links, once the thread has ended (after join() or in the closed
  // handler): the key the remote node answered with, and the time from the
  // first byte of our version metadata going out to the remote's metadata
  // having arrived in full. nullopt when the probe failed.
  struct ProbeResult {
    PublicKey key;
    std::chrono::nanoseconds rtt{0};
  };
  std::optional<ProbeResult> probeResult() const;
  // The code of the error that ended the link (Errc::Unknown for a non-
  // rtk::Error failure); meaningful once the thread has ended.
  Errc endCode() const;

 private:
  enum class Phase { Connect, Handshake, Up };

  Link(std::uint64_t id, PeerUri uri, std::string sourceInterface, LinkKind kind, bool local,
       std::shared_ptr<const LinkEnvironment> env, UpHandler onUp, ClosedHandler onClosed);

  void run();
  std::unique_ptr<Stream> dial();
  std::unique_ptr<Stream> clientStack(UniqueFd socket) const;
  std::unique_ptr<Stream> serverStack(UniqueFd socket) const;
  // Runs the stack's setup; false when it ended on purpose (health check).
  bool setUp(Stream& stream, Clock::time_point deadline, const std::string& timeoutMessage);
  // Sends ours, reads theirs; returns bytes that followed their metadata.
  Bytes exchangeMetadata(Stream& stream, PublicKey& remoteKey, std::uint8_t& remotePriority);
  void checkRemote(const PublicKey& remoteKey) const;
  void runFrames(Stream& stream, router::PeerEndpoint& endpoint, ByteView early);
  // poll() on fd and the wake eventfd; returns fd's revents (0 when only
  // woken). Throws Closed when close() was called, Timeout at the deadline.
  short waitFor(int fd, short events, Clock::time_point deadline, const std::string& timeoutMessage);
  short pollOnce(int fd, short events, int timeoutMs);
  void throwIfClosing() const;
  std::string describeRemote() const;

  const std::uint64_t id_;
  const PeerUri uri_;
  const std::string sourceInterface_;
  const LinkKind kind_;
  const bool inboundLink_;
  const bool local_;
  const std::shared_ptr<const LinkEnvironment> env_;
  const UpHandler onUp_;
  const ClosedHandler onClosed_;

  UniqueFd acceptedSocket_;  // inbound: the socket until the thread takes it
  UniqueFd wake_;            // eventfd: wakeWriter and close
  std::atomic<bool> wakePending_{false};
  std::atomic<bool> closing_{false};
  std::atomic<std::uint64_t> rxBytes_{0}, txBytes_{0};
  std::atomic<std::uint64_t> rxPackets_{0}, txPackets_{0};
  Phase phase_ = Phase::Connect;  // link thread only
  std::string remoteAddress_;     // link thread only, for logs
  Bytes readBuffer_;              // link thread only
  std::chrono::nanoseconds handshakeRtt_{0};  // link thread only

  mutable std::mutex mutex_;  // guards the fields below
  std::string closeReason_;
  Snapshot snapshot_;
  std::optional<ProbeResult> probe_;
  Errc endCode_ = Errc::Unknown;

  Thread thread_;
};

}  // namespace rtk::core::link
