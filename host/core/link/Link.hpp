// Link — one peer connection, driven on a LinkReactor thread.
//
// A link is a state machine that never blocks; its reactor thread
// ("rtk-linkio-N", shared with other links) drives it whenever its socket is
// ready, it was poked (frames queued, close asked) or its deadline passed:
//   1. outbound: resolve (on the Resolver's threads unless an IP literal),
//      connect each suitable address in turn with the dial timeout, and set
//      up the transport stack (TLS, SOCKS, WebSocket); inbound: set up the
//      server side of the stack;
//   2. exchange version metadata (6 s deadline) and check it: version 0.5,
//      pinned keys, AllowedPublicKeys (inbound, non-local links only), not
//      our own key; priority = the higher of both sides;
//   3. PeerRegistry::addPeer, then frames: read ones to
//      PeerEndpoint::handleFrame, takeOutbound()'s bytes to the socket,
//      ironwood's keepalive/timeout rules;
//   4. on any end: removePeer, a best-effort goodbye (TLS close_notify,
//      WebSocket close), close the socket, report to the manager.
// Every failure and refusal is logged once, with the peer URI and reason.
// A Probe link stops after step 2 (logged at debug level): probeResult()
// then holds the remote key and the handshake's round trip.
//
// Thread-safety: start() once, from the creating thread. close(), join(),
// wakeWriter(), closeTransport(), snapshot() and the counters are safe from
// any thread; join() never from the link's own reactor thread (the
// callbacks), where it throws. The callbacks run on the reactor thread and
// must not block: every link of that thread waits for them.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/Ed25519.hpp"
#include "core/link/LinkReactor.hpp"
#include "core/link/LinkTiming.hpp"
#include "core/link/FrameReader.hpp"
#include "core/link/PeerMonitor.hpp"
#include "core/link/PeerUri.hpp"
#include "core/link/Resolver.hpp"
#include "core/link/SocketAddress.hpp"
#include "core/link/Stream.hpp"
#include "core/link/LazyTlsProvider.hpp"
#include "core/link/UniqueFd.hpp"
#include "core/router/PeerPorts.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::core::link {

// Settings every link of a manager shares; immutable once links exist.
struct LinkEnvironment {
  crypto::SigningKey key;
  std::vector<PublicKey> allowedPublicKeys;  // empty: every inbound key allowed
  router::PeerRegistry* registry = nullptr;
  std::shared_ptr<const LazyTlsProvider> tls;  // made by the first tls, wss or sockstls link
  rtk::Log log;  // subsystem "links"
  LinkTiming timing;
  LinkReactor* reactor = nullptr;  // drives every link; outlives them
  Resolver* resolver = nullptr;    // host name lookups for outbound links
};

// link.go's linkType, plus Probe: an outbound link that stops after the
// handshake and its checks, without registering with the router
// (LinkManager::probePeer).
enum class LinkKind { Persistent, Ephemeral, Incoming, Probe };

class Link : public router::PeerTransport, public Pollable, public std::enable_shared_from_this<Link> {
 public:
  using Clock = Pollable::Clock;

  struct Snapshot {
    bool up = false;  // handshake done, registered with the router
    PublicKey key;
    std::uint8_t priority = 0;
    Clock::time_point upSince{};
    std::shared_ptr<router::PeerEndpoint> endpoint;
  };

  // Reactor thread, after the handshake, before the first frame.
  using UpHandler = std::function<void(const std::shared_ptr<Link>&)>;
  // Reactor thread, exactly once, as its last act. `error` says why the link
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

  // Hands the link to its reactor thread.
  void start();
  // Ends the link with `reason` as its error; idempotent.
  void close(const std::string& reason);
  // Waits until the link has ended (its closed handler returned); idempotent.
  void join();

  // Pollable: the reactor thread's entry point.
  Interest drive(std::uint32_t events) override;

  // router::PeerTransport
  void wakeWriter() override;
  void wakeReader() override;
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

  // Probe links, once the link has ended (after join() or in the closed
  // handler): the key the remote node answered with, and the time from the
  // first byte of our version metadata going out to the remote's metadata
  // having arrived in full. nullopt when the probe failed.
  struct ProbeResult {
    PublicKey key;
    std::chrono::nanoseconds rtt{0};
  };
  std::optional<ProbeResult> probeResult() const;
  // The code of the error that ended the link (Errc::Unknown for a non-
  // rtk::Error failure); meaningful once the link has ended.
  Errc endCode() const;

 private:
  // Where the state machine stands; each stage waits for one thing.
  enum class Stage { Begin, Resolving, NextAddress, Connecting, SettingUp, Handshake, Up };

  Link(std::uint64_t id, PeerUri uri, std::string sourceInterface, LinkKind kind, bool local,
       std::shared_ptr<const LinkEnvironment> env, UpHandler onUp, ClosedHandler onClosed);

  // Runs stages until one must wait (its Interest) or the link is done
  // (stage Up ended, or a probe answered: Interest::finished). Throws the
  // error that ends the link.
  Interest step();
  void begin();
  void startResolving();
  Interest connectNext();
  std::unique_ptr<Stream> clientStack(UniqueFd socket) const;
  std::unique_ptr<Stream> serverStack(UniqueFd socket) const;
  void beginMetadata();
  // Moves metadata bytes both ways; true once ours is sent and theirs read.
  bool exchangeMetadata();
  // Decodes and checks theirs; registers with the router (or records the
  // probe result). False for a probe: the link is done.
  bool completeHandshake();
  void checkRemote(const PublicKey& remoteKey) const;
  Interest frames();
  // Hands `in` to the reader, frame by frame while the router takes them.
  void feedFrames(ByteView in);
  void onFrame(ByteView frame);
  Interest waitOn(int fd, IoWait a, IoWait b = IoWait::None) const;
  void throwIfPastDeadline() const;
  // The stages that belong to one dial attempt: their failures move on to
  // the next address.
  bool dialling() const;
  Interest finish();
  // Stops watching and closes the socket or stream there is.
  void dropSocket();
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
  const LinkReactor::Slot slot_;

  UniqueFd acceptedSocket_;  // inbound: the socket until the link runs
  std::atomic<bool> started_{false};
  std::atomic<bool> wakePending_{false};
  std::atomic<bool> closing_{false};
  std::atomic<std::uint64_t> rxBytes_{0}, txBytes_{0};
  std::atomic<std::uint64_t> rxPackets_{0}, txPackets_{0};

  // Reactor thread only, from here to the mutex.
  Stage stage_ = Stage::Begin;
  std::uint64_t socketGeneration_ = 0;
  Clock::time_point deadline_ = Clock::time_point::max();  // of the stage that waits
  std::string timeoutMessage_;
  std::string remoteAddress_;  // for logs
  std::vector<SocketAddress> addresses_;
  std::size_t nextAddress_ = 0;
  std::string dialAddress_;
  std::string lastDialError_;
  Errc lastDialCode_ = Errc::Unreachable;
  UniqueFd connecting_;
  std::unique_ptr<Stream> stream_;
  Bytes handshakeOut_, handshakeIn_;
  std::size_t handshakeSent_ = 0, handshakeNeed_ = 0;
  bool handshakeSized_ = false;
  IoWait handshakeReadWait_ = IoWait::None, handshakeWriteWait_ = IoWait::None;
  std::optional<Clock::time_point> firstSent_, theirsArrived_;
  std::chrono::nanoseconds handshakeRtt_{0};
  std::shared_ptr<router::PeerEndpoint> endpoint_;
  FrameReader reader_;
  std::optional<PeerMonitor> monitor_;
  Clock::time_point frameTime_{};
  Bytes out_;
  std::size_t outPos_ = 0;
  bool wantTake_ = true;  // the router queues its first frames in addPeer
  bool wasUp_ = false;
  bool healthCheck_ = false;
  std::string error_;

  mutable std::mutex mutex_;  // guards the fields below
  std::condition_variable finishedCv_;
  bool finished_ = false;
  std::string closeReason_;
  Snapshot snapshot_;
  std::optional<ProbeResult> probe_;
  Errc endCode_ = Errc::Unknown;
  std::optional<std::pair<std::vector<SocketAddress>, std::optional<Error>>> resolution_;
};

}  // namespace rtk::core::link
