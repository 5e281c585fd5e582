#include "core/link/Link.hpp"

#include <poll.h>
#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "ratatoskr/address.hpp"
#include "core/link/Dialer.hpp"
#include "core/link/SocketStream.hpp"
#include "core/link/SocksStream.hpp"
#include "core/link/VersionMetadata.hpp"
#include "core/link/WsStream.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::core::link {
namespace {

constexpr std::size_t kReadChunkBytes = 64 * 1024;
// Bytes read per turn before the link lets the other links of its thread,
// and its own writes, have theirs.
constexpr std::size_t kReadBudgetBytes = 1024 * 1024;
// takeOutbound is asked for more once less than this is left to write.
constexpr std::size_t kWriteChunkBytes = 64 * 1024;

// One read buffer per reactor thread, not per link: a thousand idle links
// must not hold 64 MiB.
std::span<std::uint8_t> threadReadBuffer() {
  thread_local std::unique_ptr<std::uint8_t[]> buffer;
  if (!buffer) buffer = std::make_unique<std::uint8_t[]>(kReadChunkBytes);
  return {buffer.get(), kReadChunkBytes};
}

bool connectFinished(int fd) {
  pollfd p{fd, POLLOUT, 0};
  return ::poll(&p, 1, 0) > 0;
}

}  // namespace

std::shared_ptr<Link> Link::outbound(std::uint64_t id, PeerUri uri, std::string sourceInterface, LinkKind kind,
                                     std::shared_ptr<const LinkEnvironment> env, UpHandler onUp,
                                     ClosedHandler onClosed) {
  return std::shared_ptr<Link>(new Link(id, std::move(uri), std::move(sourceInterface), kind, false, std::move(env),
                                        std::move(onUp), std::move(onClosed)));
}

std::shared_ptr<Link> Link::inbound(std::uint64_t id, PeerUri uri, std::string sourceInterface, UniqueFd socket,
                                    bool local, std::shared_ptr<const LinkEnvironment> env, UpHandler onUp,
                                    ClosedHandler onClosed) {
  std::shared_ptr<Link> link(new Link(id, std::move(uri), std::move(sourceInterface), LinkKind::Incoming, local,
                                      std::move(env), std::move(onUp), std::move(onClosed)));
  link->acceptedSocket_ = std::move(socket);
  return link;
}

Link::Link(std::uint64_t id, PeerUri uri, std::string sourceInterface, LinkKind kind, bool local,
           std::shared_ptr<const LinkEnvironment> env, UpHandler onUp, ClosedHandler onClosed)
    : id_(id),
      uri_(std::move(uri)),
      sourceInterface_(std::move(sourceInterface)),
      kind_(kind),
      inboundLink_(kind == LinkKind::Incoming),
      local_(local),
      env_(std::move(env)),
      onUp_(std::move(onUp)),
      onClosed_(std::move(onClosed)),
      slot_(env_->reactor->assign()) {}

Link::~Link() = default;

void Link::start() {
  env_->reactor->attach(slot_, shared_from_this());
  started_.store(true);
}

void Link::close(const std::string& reason) {
  {
    std::lock_guard lock(mutex_);
    if (closeReason_.empty()) closeReason_ = reason;
  }
  closing_.store(true);
  env_->reactor->poke(slot_);
}

void Link::join() {
  if (!started_.load()) return;
  if (env_->reactor->inLoop(slot_))
    throw Error(Errc::InvalidArgument, "links: a link cannot be joined from its own reactor thread");
  std::unique_lock lock(mutex_);
  finishedCv_.wait(lock, [this] { return finished_; });
}

void Link::wakeWriter() {
  // One poke per batch: the link clears the flag before it calls
  // takeOutbound, so frames queued after that always cause another.
  if (!wakePending_.exchange(true)) env_->reactor->poke(slot_);
}

void Link::wakeReader() { env_->reactor->poke(slot_); }

Link::Snapshot Link::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

std::optional<Link::ProbeResult> Link::probeResult() const {
  std::lock_guard lock(mutex_);
  return probe_;
}

Errc Link::endCode() const {
  std::lock_guard lock(mutex_);
  return endCode_;
}

void Link::throwIfClosing() const {
  if (!closing_.load()) return;
  std::lock_guard lock(mutex_);
  throw Error(Errc::Closed, closeReason_);
}

std::string Link::describeRemote() const {
  // As link.go's log lines: "<node address>@<remote>", here with the URI.
  auto snap = snapshot();
  std::string out = snap.up ? formatAddress(address::addressForKey(snap.key)) + "@" : std::string();
  out += uri_.redacted();
  // The address actually dialled, when the URI names a host or a proxy.
  bool literal = !remoteAddress_.empty() && remoteAddress_ == PeerUri::joinHostPort(uri_.host(), uri_.port());
  if (!inboundLink_ && !remoteAddress_.empty() && !literal && uri_.scheme() != LinkScheme::Unix)
    out += " (" + remoteAddress_ + ")";
  return out;
}

Pollable::Interest Link::waitOn(int fd, IoWait a, IoWait b) const {
  Interest in;
  in.fd = fd;
  in.readable = a == IoWait::Read || b == IoWait::Read;
  in.writable = a == IoWait::Write || b == IoWait::Write;
  in.deadline = deadline_;
  in.socketGeneration = socketGeneration_;
  return in;
}

void Link::throwIfPastDeadline() const {
  if (Clock::now() >= deadline_) throw Error(Errc::Timeout, timeoutMessage_);
}

bool Link::dialling() const {
  return !inboundLink_ && (stage_ == Stage::Connecting || stage_ == Stage::SettingUp);
}

void Link::dropSocket() {
  if (!stream_ && !connecting_.valid()) return;
  env_->reactor->release(slot_);  // before the close: the number may be reused at once
  stream_.reset();
  connecting_.reset();
  ++socketGeneration_;
}

Pollable::Interest Link::drive(std::uint32_t) {
  for (;;) {
    try {
      return step();
    } catch (const Error& e) {
      if (dialling() && e.code() != Errc::Closed && e.code() != Errc::NotSupported) {
        env_->log.debug(uri_.redacted(), ": dialling ", dialAddress_, " failed: ", e.what());
        lastDialError_ = e.what();
        lastDialCode_ = e.code();
        dropSocket();
        stage_ = Stage::NextAddress;
        continue;
      }
      error_ = e.what();
      std::lock_guard lock(mutex_);
      endCode_ = e.code();
    } catch (const std::exception& e) {
      error_ = std::string("unexpected failure: ") + e.what();
    }
    return finish();
  }
}

Pollable::Interest Link::step() {
  for (;;) {
    throwIfClosing();
    switch (stage_) {
      case Stage::Begin:
        begin();
        break;
      case Stage::Resolving: {
        std::unique_lock lock(mutex_);
        if (!resolution_) {
          Interest idle;  // the resolver pokes us
          return idle;
        }
        auto [addresses, error] = std::move(*resolution_);
        resolution_.reset();
        lock.unlock();
        if (error) throw *error;
        addresses_ = std::move(addresses);
        stage_ = Stage::NextAddress;
        break;
      }
      case Stage::NextAddress:
        return connectNext();
      case Stage::Connecting:
        if (!connectFinished(connecting_.get())) {
          throwIfPastDeadline();
          return waitOn(connecting_.get(), IoWait::Write);
        }
        finishConnect(connecting_.get(), addresses_[nextAddress_ - 1]);
        remoteAddress_ = dialAddress_;
        stream_ = clientStack(std::move(connecting_));  // the same socket: no new registration
        stage_ = Stage::SettingUp;
        break;
      case Stage::SettingUp: {
        IoResult r = stream_->handshake();
        if (r.eof) {
          healthCheck_ = true;  // a WebSocket health check was answered
          return finish();
        }
        if (r.wait != IoWait::None) {
          throwIfPastDeadline();
          return waitOn(stream_->fd(), r.wait);
        }
        beginMetadata();
        break;
      }
      case Stage::Handshake:
        if (!exchangeMetadata()) {
          throwIfPastDeadline();
          return waitOn(stream_->fd(), handshakeReadWait_, handshakeWriteWait_);
        }
        if (!completeHandshake()) return finish();
        break;
      case Stage::Up:
        return frames();
    }
  }
}

void Link::begin() {
  if (inboundLink_) {
    remoteAddress_ = SocketAddress::peerOf(acceptedSocket_.get()).toString();
    stream_ = serverStack(std::move(acceptedSocket_));
    ++socketGeneration_;
    deadline_ = Clock::now() + env_->timing.inboundSetupTimeout;
    timeoutMessage_ = std::string(schemeName(uri_.scheme())) + " setup: timed out after " +
                      std::to_string(env_->timing.inboundSetupTimeout.count()) + " ms";
    stage_ = Stage::SettingUp;
  } else if (uri_.scheme() == LinkScheme::Unix) {
    addresses_.push_back(SocketAddress::unixPath(uri_.path()));
    stage_ = Stage::NextAddress;
  } else if (SocketAddress::parseIp(uri_.host(), uri_.port())) {
    addresses_ = SocketAddress::resolve(uri_.host(), uri_.port());  // a literal: nothing to look up
    stage_ = Stage::NextAddress;
  } else {
    startResolving();  // the proxy's name, for socks
  }
}

void Link::startResolving() {
  stage_ = Stage::Resolving;
  std::weak_ptr<Link> weak = shared_from_this();
  env_->resolver->resolve(uri_.host(), uri_.port(),
                          [weak](std::vector<SocketAddress> addresses, std::optional<Error> error) {
                            auto self = weak.lock();
                            if (!self) return;
                            {
                              std::lock_guard lock(self->mutex_);
                              self->resolution_.emplace(std::move(addresses), std::move(error));
                            }
                            self->env_->reactor->poke(self->slot_);
                          });
}

Pollable::Interest Link::connectNext() {
  if (nextAddress_ >= addresses_.size()) throw Error(lastDialCode_, lastDialError_);
  const SocketAddress& address = addresses_[nextAddress_++];
  dialAddress_ = address.toString();
  deadline_ = Clock::now() + env_->timing.dialTimeout;
  timeoutMessage_ =
      "dial " + dialAddress_ + ": timed out after " + std::to_string(env_->timing.dialTimeout.count()) + " ms";
  stage_ = Stage::Connecting;  // from here, a failure moves on to the next address
  connecting_ = startConnect(address, sourceInterface_, env_->log);
  ++socketGeneration_;
  return waitOn(connecting_.get(), IoWait::Write);
}

std::unique_ptr<Stream> Link::clientStack(UniqueFd socket) const {
  std::unique_ptr<Stream> s = std::make_unique<SocketStream>(std::move(socket));
  const LinkOptions& o = uri_.options();
  auto hostHeader = [&] {
    bool defaultPort = uri_.port() == (uri_.scheme() == LinkScheme::Wss ? 443 : 80);
    return defaultPort ? uri_.host() : PeerUri::joinHostPort(uri_.host(), uri_.port());
  };
  switch (uri_.scheme()) {
    case LinkScheme::Tcp:
    case LinkScheme::Unix:
      return s;
    case LinkScheme::Tls:
      return env_->tls->get().client(std::move(s), o.tlsSni);
    case LinkScheme::Ws:
      return WsStream::client(std::move(s), hostHeader(), uri_.path());
    case LinkScheme::Wss:
      return WsStream::client(env_->tls->get().client(std::move(s), o.tlsSni), hostHeader(),
                              uri_.path());
    case LinkScheme::Socks:
    case LinkScheme::SocksTls: {
      s = std::make_unique<SocksStream>(std::move(s), uri_.targetHost(), uri_.targetPort(), uri_.proxyUser(),
                                        uri_.proxyPassword());
      if (uri_.scheme() == LinkScheme::Socks) return s;
      return env_->tls->get().client(std::move(s), o.tlsSni);
    }
    case LinkScheme::Quic:
      break;
  }
  throw Error(Errc::NotSupported, "quic is not supported yet");
}

std::unique_ptr<Stream> Link::serverStack(UniqueFd socket) const {
  std::unique_ptr<Stream> s = std::make_unique<SocketStream>(std::move(socket));
  switch (uri_.scheme()) {
    case LinkScheme::Tcp:
    case LinkScheme::Unix:
      return s;
    case LinkScheme::Tls:
      return env_->tls->get().server(std::move(s));
    case LinkScheme::Ws:
      return WsStream::server(std::move(s));
    case LinkScheme::Wss:
      return WsStream::server(env_->tls->get().server(std::move(s)));
    default:
      break;
  }
  throw Error(Errc::NotSupported, std::string(schemeName(uri_.scheme())) + " listener not supported");
}

void Link::beginMetadata() {
  const LinkOptions& options = uri_.options();
  VersionMetadata ours;
  ours.priority = options.priority;
  handshakeOut_ = ours.encode(env_->key, options.password);
  handshakeNeed_ = VersionMetadata::kHeaderBytes;
  deadline_ = Clock::now() + env_->timing.handshakeTimeout;
  timeoutMessage_ = "handshake: timed out after " + std::to_string(env_->timing.handshakeTimeout.count()) + " ms";
  stage_ = Stage::Handshake;
}

bool Link::exchangeMetadata() {
  Stream& stream = *stream_;
  std::uint8_t buf[4096];
  for (;;) {
    bool progress = false;
    handshakeWriteWait_ = IoWait::None;
    handshakeReadWait_ = IoWait::None;
    if (handshakeSent_ < handshakeOut_.size()) {
      IoResult r = stream.write(ByteView(handshakeOut_).subspan(handshakeSent_));
      if (r.bytes > 0 && !firstSent_) firstSent_ = Clock::now();
      handshakeSent_ += r.bytes;
      txBytes_ += r.bytes;
      handshakeWriteWait_ = r.wait;
      progress |= r.bytes > 0;
    }
    if (handshakeSent_ == handshakeOut_.size()) handshakeWriteWait_ = stream.flush().wait;
    if (handshakeIn_.size() < handshakeNeed_) {
      IoResult r = stream.read(buf);
      if (r.eof) throw Error(Errc::Reset, "handshake: remote side closed the connection");
      handshakeIn_.insert(handshakeIn_.end(), buf, buf + r.bytes);
      rxBytes_ += r.bytes;
      handshakeReadWait_ = r.wait;
      progress |= r.bytes > 0;
      if (!handshakeSized_ && handshakeIn_.size() >= VersionMetadata::kHeaderBytes) {
        handshakeNeed_ = VersionMetadata::messageBytes(handshakeIn_);
        handshakeSized_ = true;
      }
      if (handshakeSized_ && handshakeIn_.size() >= handshakeNeed_ && !theirsArrived_) theirsArrived_ = Clock::now();
    }
    if (handshakeSized_ && handshakeIn_.size() >= handshakeNeed_ && handshakeSent_ == handshakeOut_.size() &&
        handshakeWriteWait_ == IoWait::None)
      return true;
    if (!progress) return false;
  }
}

bool Link::completeHandshake() {
  const LinkOptions& options = uri_.options();
  VersionMetadata theirs = VersionMetadata::decode(ByteView(handshakeIn_).first(handshakeNeed_), options.password);
  if (!theirs.compatible())
    throw Error(Errc::Refused, "handshake: remote node incompatible version (local " +
                                   std::to_string(VersionMetadata::kProtocolMajor) + "." +
                                   std::to_string(VersionMetadata::kProtocolMinor) + ", remote " +
                                   std::to_string(theirs.majorVersion) + "." + std::to_string(theirs.minorVersion) + ")");
  if (firstSent_ && theirsArrived_ && *theirsArrived_ > *firstSent_) handshakeRtt_ = *theirsArrived_ - *firstSent_;
  const PublicKey remoteKey = theirs.publicKey;
  checkRemote(remoteKey);
  Bytes early(handshakeIn_.begin() + static_cast<std::ptrdiff_t>(handshakeNeed_), handshakeIn_.end());
  handshakeIn_ = Bytes();
  handshakeOut_ = Bytes();
  deadline_ = Clock::time_point::max();
  if (kind_ == LinkKind::Probe) {
    // Done: the router never hears of this link.
    std::lock_guard lock(mutex_);
    probe_ = ProbeResult{remoteKey, handshakeRtt_};
    return false;
  }
  const std::uint8_t priority = std::max(options.priority, theirs.priority);
  throwIfClosing();
  endpoint_ = env_->registry->addPeer(remoteKey, priority, shared_from_this());
  if (!endpoint_) throw Error(Errc::Closed, "router refused the peer");
  {
    std::lock_guard lock(mutex_);
    snapshot_.up = true;
    snapshot_.key = remoteKey;
    snapshot_.priority = priority;
    snapshot_.upSince = Clock::now();
    snapshot_.endpoint = endpoint_;
  }
  stage_ = Stage::Up;
  wasUp_ = true;
  env_->log.info("connected ", inboundLink_ ? "inbound" : "outbound", ": ", describeRemote(), ", key ",
                 remoteKey.hex(), ", priority ", int(priority));
  if (onUp_) onUp_(shared_from_this());
  monitor_.emplace(env_->timing.keepAliveDelay, env_->timing.peerTimeout);
  frameTime_ = Clock::now();
  feedFrames(early);
  return true;
}

void Link::checkRemote(const PublicKey& remoteKey) const {
  if (!uri_.options().keyIsPinned(remoteKey))
    throw Error(Errc::Refused, "handshake: node public key " + remoteKey.hex() + " does not match pinned keys");
  if (inboundLink_ && !local_ && !env_->allowedPublicKeys.empty() &&
      std::find(env_->allowedPublicKeys.begin(), env_->allowedPublicKeys.end(), remoteKey) ==
          env_->allowedPublicKeys.end())
    throw Error(Errc::Refused, "handshake: node public key \"" + remoteKey.hex() + "\" is not in AllowedPublicKeys");
  if (remoteKey == env_->key.publicKey())
    throw Error(Errc::Refused, "handshake: the remote node has our own public key (a connection to ourselves)");
}

void Link::feedFrames(ByteView in) {
  reader_.feed(in, [this](ByteView frame) { onFrame(frame); }, [this] { return endpoint_->acceptsFrames(); });
}

void Link::onFrame(ByteView frame) {
  monitor_->onReceived(frame[0], frameTime_);
  rxPackets_.fetch_add(1, std::memory_order_relaxed);
  endpoint_->handleFrame(frame);
}

Pollable::Interest Link::frames() {
  Stream& stream = *stream_;
  PeerMonitor& monitor = *monitor_;
  auto now = Clock::now();
  if (monitor.timedOut(now))
    throw Error(Errc::Timeout, "nothing received for " + std::to_string(env_->timing.peerTimeout.count()) +
                                   " ms after sending traffic");
  if (monitor.keepAliveDue(now)) {
    out_.insert(out_.end(), std::begin(PeerMonitor::kKeepAliveFrame), std::end(PeerMonitor::kKeepAliveFrame));
    monitor.onSent(static_cast<std::uint8_t>(wire::PacketType::KeepAlive), now);
    txPackets_.fetch_add(1, std::memory_order_relaxed);
  }
  if (wakePending_.exchange(false)) wantTake_ = true;

  // Writes: refill from the router's queues while there is room.
  IoWait writeWait = IoWait::None;
  for (;;) {
    if (wantTake_ && out_.size() - outPos_ < kWriteChunkBytes) {
      out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(outPos_));
      outPos_ = 0;
      const std::size_t before = out_.size();
      if (endpoint_->takeOutbound(out_, kWriteChunkBytes) == 0) {
        wantTake_ = false;
      } else {
        FrameReader::forEachFrameType(ByteView(out_).subspan(before), [&](std::uint8_t t) {
          monitor.onSent(t, now);
          txPackets_.fetch_add(1, std::memory_order_relaxed);
        });
      }
    }
    if (outPos_ == out_.size()) break;
    IoResult r = stream.write(ByteView(out_).subspan(outPos_));
    if (r.wait != IoWait::None) {
      writeWait = r.wait;
      break;
    }
    outPos_ += r.bytes;
    txBytes_ += r.bytes;
  }
  if (outPos_ == out_.size()) {
    out_.clear();
    outPos_ = 0;
    if (out_.capacity() > 4 * kWriteChunkBytes) out_.shrink_to_fit();  // a burst's buffer goes back
  }
  if (writeWait == IoWait::None) writeWait = stream.flush().wait;

  // Reads, up to a budget so a fast sender cannot starve our writes or the
  // other links of this thread, and only while the router takes our frames:
  // when it is behind, this link reads nothing more (the sender feels TCP
  // backpressure) until the router wakes it (wakeReader).
  IoWait readWait = IoWait::None;
  bool paused = false;
  std::size_t budget = kReadBudgetBytes;
  const auto buffer = threadReadBuffer();
  if (reader_.buffered() > 0) feedFrames({});  // frames held back last time
  while (budget > 0) {
    if (!endpoint_->acceptsFrames()) {
      paused = true;
      break;
    }
    IoResult r = stream.read(buffer);
    if (r.eof) throw Error(Errc::Reset, "remote side closed the connection");
    if (r.wait != IoWait::None) {
      readWait = r.wait;
      break;
    }
    rxBytes_ += r.bytes;
    frameTime_ = Clock::now();
    feedFrames(ByteView(buffer.data(), r.bytes));
    budget -= std::min(budget, r.bytes);
  }

  Interest in = waitOn(stream.fd(), readWait, writeWait);
  in.deadline = monitor.nextDeadline().value_or(Clock::time_point::max());
  if (readWait == IoWait::None && !paused) {
    in.again = true;  // budget used up: more is waiting
    in.readable = true;
  }
  return in;
}

Pollable::Interest Link::finish() {
  const bool probe = kind_ == LinkKind::Probe;
  const bool requested = closing_.load();
  const rtk::Log& log = env_->log;
  const char* direction = inboundLink_ ? "inbound" : "outbound";
  if (endpoint_) {
    try {
      env_->registry->removePeer(endpoint_);
    } catch (const std::exception& e) {
      log.warn(uri_.redacted(), ": removing the peer from the router failed: ", e.what());
    }
  }
  if (stream_) stream_->shutdown();
  dropSocket();

  if (probe) {
    if (error_.empty())
      log.debug(uri_.redacted(), ": probe answered");
    else
      log.debug(uri_.redacted(), ": probe failed: ", error_);
  } else if (healthCheck_) {
    log.debug(uri_.redacted(), ": answered a WebSocket health check");
    error_ = "health check";
  } else if (stage_ == Stage::Up) {
    log.info("disconnected ", direction, ": ", describeRemote(), "; error: ", error_);
  } else if (requested) {
    log.debug(uri_.redacted(), ": ", direction, " link closed before it came up: ", error_);
  } else if (stage_ == Stage::Handshake) {
    log.warn(describeRemote(), ": ", direction, " link failed: ", error_);
  } else {
    log.info(uri_.redacted(), ": ", inboundLink_ ? "inbound connection setup failed: " : "connection failed: ",
             error_);
  }
  {
    std::lock_guard lock(mutex_);
    snapshot_ = Snapshot{};
  }
  endpoint_.reset();
  monitor_.reset();
  if (onClosed_) onClosed_(shared_from_this(), error_, wasUp_);
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  finishedCv_.notify_all();
  Interest done;
  done.finished = true;
  return done;
}

}  // namespace rtk::core::link
