#include "core/link/Link.hpp"

#include <poll.h>
#include <sys/eventfd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "ratatoskr/address.hpp"
#include "core/link/Dialer.hpp"
#include "core/link/FrameReader.hpp"
#include "core/link/PeerMonitor.hpp"
#include "core/link/SocketStream.hpp"
#include "core/link/SocksStream.hpp"
#include "core/link/TlsStream.hpp"
#include "core/link/VersionMetadata.hpp"
#include "core/link/WsStream.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::core::link {
namespace {

constexpr std::size_t kReadChunkBytes = 64 * 1024;
// Bytes read per loop turn before writes get their turn again.
constexpr std::size_t kReadBudgetBytes = 1024 * 1024;
// takeOutbound is asked for more once less than this is left to write.
constexpr std::size_t kWriteChunkBytes = 64 * 1024;

short eventsFor(IoWait a, IoWait b) {
  short events = 0;
  if (a == IoWait::Read || b == IoWait::Read) events |= POLLIN;
  if (a == IoWait::Write || b == IoWait::Write) events |= POLLOUT;
  return events;
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
      wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!wake_.valid()) throw Error(Errc::Io, "links: eventfd: " + std::string(std::strerror(errno)));
}

Link::~Link() = default;  // thread_ joins (it is already done: it held a reference)

void Link::start() {
  auto self = shared_from_this();
  std::string name = kind_ == LinkKind::Probe ? "rtk-probe-" + std::to_string(id_ % 100000)
                                              : "rtk-link-" + std::to_string(id_ % 1000000);
  thread_.start(name, [self] { self->run(); });
}

void Link::close(const std::string& reason) {
  {
    std::lock_guard lock(mutex_);
    if (closeReason_.empty()) closeReason_ = reason;
  }
  closing_.store(true);
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
}

void Link::join() { thread_.join(); }

void Link::wakeWriter() {
  // One eventfd write per batch: the link thread clears the flag before it
  // calls takeOutbound, so frames queued after that always cause a wake.
  if (!wakePending_.exchange(true)) {
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
  }
}

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

short Link::pollOnce(int fd, short events, int timeoutMs) {
  pollfd fds[2] = {{fd, events, 0}, {wake_.get(), POLLIN, 0}};
  int n = ::poll(fds, 2, timeoutMs);
  if (n < 0) {
    if (errno == EINTR) return 0;
    throw Error(Errc::Io, std::string("poll: ") + std::strerror(errno));
  }
  if (fds[1].revents) {
    std::uint64_t count;
    [[maybe_unused]] auto r = ::read(wake_.get(), &count, sizeof count);
  }
  return fds[0].revents;
}

short Link::waitFor(int fd, short events, Clock::time_point deadline, const std::string& timeoutMessage) {
  for (;;) {
    throwIfClosing();
    auto now = Clock::now();
    if (now >= deadline) throw Error(Errc::Timeout, timeoutMessage);
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
    short revents = pollOnce(fd, events, static_cast<int>(std::min<long long>(ms, 60000)));
    if (revents) return revents;
  }
}

bool Link::setUp(Stream& stream, Clock::time_point deadline, const std::string& timeoutMessage) {
  for (;;) {
    IoResult r = stream.handshake();
    if (r.eof) return false;
    if (r.wait == IoWait::None) return true;
    waitFor(stream.fd(), r.wait == IoWait::Read ? POLLIN : POLLOUT, deadline, timeoutMessage);
  }
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
      return std::make_unique<TlsStream>(std::move(s), env_->tls->newClient(o.tlsSni));
    case LinkScheme::Ws:
      return WsStream::client(std::move(s), hostHeader(), uri_.path());
    case LinkScheme::Wss:
      return WsStream::client(std::make_unique<TlsStream>(std::move(s), env_->tls->newClient(o.tlsSni)), hostHeader(),
                              uri_.path());
    case LinkScheme::Socks:
    case LinkScheme::SocksTls: {
      s = std::make_unique<SocksStream>(std::move(s), uri_.targetHost(), uri_.targetPort(), uri_.proxyUser(),
                                        uri_.proxyPassword());
      if (uri_.scheme() == LinkScheme::Socks) return s;
      return std::make_unique<TlsStream>(std::move(s), env_->tls->newClient(o.tlsSni));
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
      return std::make_unique<TlsStream>(std::move(s), env_->tls->newServer());
    case LinkScheme::Ws:
      return WsStream::server(std::move(s));
    case LinkScheme::Wss:
      return WsStream::server(std::make_unique<TlsStream>(std::move(s), env_->tls->newServer()));
    default:
      break;
  }
  throw Error(Errc::NotSupported, std::string(schemeName(uri_.scheme())) + " listener not supported");
}

std::unique_ptr<Stream> Link::dial() {
  std::vector<SocketAddress> addresses;
  if (uri_.scheme() == LinkScheme::Unix) {
    addresses.push_back(SocketAddress::unixPath(uri_.path()));
  } else {
    addresses = SocketAddress::resolve(uri_.host(), uri_.port());  // the proxy, for socks
  }
  throwIfClosing();
  std::string lastError;
  Errc lastCode = Errc::Unreachable;
  for (const auto& address : addresses) {
    try {
      auto deadline = Clock::now() + env_->timing.dialTimeout;
      std::string timeout = "dial " + address.toString() + ": timed out after " +
                            std::to_string(env_->timing.dialTimeout.count()) + " ms";
      UniqueFd socket = startConnect(address, sourceInterface_, env_->log);
      waitFor(socket.get(), POLLOUT, deadline, timeout);
      finishConnect(socket.get(), address);
      remoteAddress_ = address.toString();
      auto stream = clientStack(std::move(socket));
      setUp(*stream, deadline, timeout);
      return stream;
    } catch (const Error& e) {
      if (e.code() == Errc::Closed || e.code() == Errc::NotSupported) throw;
      env_->log.debug(uri_.redacted(), ": dialling ", address.toString(), " failed: ", e.what());
      lastError = e.what();
      lastCode = e.code();
    }
  }
  throw Error(lastCode, lastError);
}

Bytes Link::exchangeMetadata(Stream& stream, PublicKey& remoteKey, std::uint8_t& remotePriority) {
  const LinkOptions& options = uri_.options();
  VersionMetadata ours;
  ours.priority = options.priority;
  Bytes out = ours.encode(env_->key, options.password);
  std::size_t sent = 0;
  Bytes in;
  std::size_t need = VersionMetadata::kHeaderBytes;
  bool sized = false;
  auto deadline = Clock::now() + env_->timing.handshakeTimeout;
  std::string timeout = "handshake: timed out after " + std::to_string(env_->timing.handshakeTimeout.count()) + " ms";
  std::uint8_t buf[4096];
  std::optional<Clock::time_point> firstSent, theirsArrived;

  for (;;) {
    bool progress = false;
    IoWait writeWait = IoWait::None, readWait = IoWait::None;
    if (sent < out.size()) {
      IoResult r = stream.write(ByteView(out).subspan(sent));
      if (r.bytes > 0 && !firstSent) firstSent = Clock::now();
      sent += r.bytes;
      txBytes_ += r.bytes;
      writeWait = r.wait;
      progress |= r.bytes > 0;
    }
    if (sent == out.size()) writeWait = stream.flush().wait;
    if (in.size() < need) {
      IoResult r = stream.read(buf);
      if (r.eof) throw Error(Errc::Reset, "handshake: remote side closed the connection");
      in.insert(in.end(), buf, buf + r.bytes);
      rxBytes_ += r.bytes;
      readWait = r.wait;
      progress |= r.bytes > 0;
      if (!sized && in.size() >= VersionMetadata::kHeaderBytes) {
        need = VersionMetadata::messageBytes(in);
        sized = true;
      }
      if (sized && in.size() >= need && !theirsArrived) theirsArrived = Clock::now();
    }
    if (sized && in.size() >= need && sent == out.size() && writeWait == IoWait::None) break;
    if (progress) continue;
    waitFor(stream.fd(), eventsFor(readWait, writeWait), deadline, timeout);
  }

  VersionMetadata theirs = VersionMetadata::decode(ByteView(in).first(need), options.password);
  if (!theirs.compatible())
    throw Error(Errc::Refused, "handshake: remote node incompatible version (local " +
                                   std::to_string(VersionMetadata::kProtocolMajor) + "." +
                                   std::to_string(VersionMetadata::kProtocolMinor) + ", remote " +
                                   std::to_string(theirs.majorVersion) + "." + std::to_string(theirs.minorVersion) + ")");
  remoteKey = theirs.publicKey;
  remotePriority = theirs.priority;
  if (firstSent && theirsArrived && *theirsArrived > *firstSent) handshakeRtt_ = *theirsArrived - *firstSent;
  return Bytes(in.begin() + static_cast<std::ptrdiff_t>(need), in.end());
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

void Link::runFrames(Stream& stream, router::PeerEndpoint& endpoint, ByteView early) {
  FrameReader reader;
  PeerMonitor monitor(env_->timing.keepAliveDelay, env_->timing.peerTimeout);
  Bytes out;
  std::size_t outPos = 0;
  bool wantTake = true;  // the router queues its first frames in addPeer
  auto now = Clock::now();
  auto onFrame = [&](ByteView frame) {
    monitor.onReceived(frame[0], now);
    rxPackets_.fetch_add(1, std::memory_order_relaxed);
    endpoint.handleFrame(frame);
  };
  reader.feed(early, onFrame);

  for (;;) {
    throwIfClosing();
    now = Clock::now();
    if (monitor.timedOut(now))
      throw Error(Errc::Timeout, "nothing received for " + std::to_string(env_->timing.peerTimeout.count()) +
                                     " ms after sending traffic");
    if (monitor.keepAliveDue(now)) {
      out.insert(out.end(), std::begin(PeerMonitor::kKeepAliveFrame), std::end(PeerMonitor::kKeepAliveFrame));
      monitor.onSent(static_cast<std::uint8_t>(wire::PacketType::KeepAlive), now);
      txPackets_.fetch_add(1, std::memory_order_relaxed);
    }
    if (wakePending_.exchange(false)) wantTake = true;

    // Writes: refill from the router's queues while there is room.
    IoWait writeWait = IoWait::None;
    for (;;) {
      if (wantTake && out.size() - outPos < kWriteChunkBytes) {
        out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(outPos));
        outPos = 0;
        std::size_t before = out.size();
        if (endpoint.takeOutbound(out, kWriteChunkBytes) == 0) {
          wantTake = false;
        } else {
          FrameReader::forEachFrameType(ByteView(out).subspan(before), [&](std::uint8_t t) {
            monitor.onSent(t, now);
            txPackets_.fetch_add(1, std::memory_order_relaxed);
          });
        }
      }
      if (outPos == out.size()) break;
      IoResult r = stream.write(ByteView(out).subspan(outPos));
      if (r.wait != IoWait::None) {
        writeWait = r.wait;
        break;
      }
      outPos += r.bytes;
      txBytes_ += r.bytes;
    }
    if (outPos == out.size()) {
      out.clear();
      outPos = 0;
    }
    if (writeWait == IoWait::None) writeWait = stream.flush().wait;

    // Reads, up to a budget so a fast sender cannot starve our writes.
    IoWait readWait = IoWait::None;
    std::size_t budget = kReadBudgetBytes;
    while (budget > 0) {
      IoResult r = stream.read(std::span<std::uint8_t>(readBuffer_));
      if (r.eof) throw Error(Errc::Reset, "remote side closed the connection");
      if (r.wait != IoWait::None) {
        readWait = r.wait;
        break;
      }
      rxBytes_ += r.bytes;
      now = Clock::now();
      reader.feed(ByteView(readBuffer_).first(r.bytes), onFrame);
      budget -= std::min(budget, r.bytes);
    }
    if (readWait == IoWait::None) continue;  // budget used up: more is waiting

    int timeoutMs = -1;
    if (auto next = monitor.nextDeadline())
      timeoutMs = static_cast<int>(std::clamp<long long>(
          std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now()).count(), 0, 60000));
    pollOnce(stream.fd(), eventsFor(readWait, writeWait), timeoutMs);
  }
}

void Link::run() {
  const bool probe = kind_ == LinkKind::Probe;
  readBuffer_.resize(kReadChunkBytes);
  std::shared_ptr<Link> self = shared_from_this();
  std::shared_ptr<router::PeerEndpoint> endpoint;
  std::unique_ptr<Stream> stream;
  std::string error;
  bool wasUp = false, healthCheck = false;
  const rtk::Log& log = env_->log;
  const char* direction = inboundLink_ ? "inbound" : "outbound";

  try {
    if (inboundLink_) {
      remoteAddress_ = SocketAddress::peerOf(acceptedSocket_.get()).toString();
      stream = serverStack(std::move(acceptedSocket_));
      auto deadline = Clock::now() + env_->timing.inboundSetupTimeout;
      healthCheck = !setUp(*stream, deadline,
                           std::string(schemeName(uri_.scheme())) + " setup: timed out after " +
                               std::to_string(env_->timing.inboundSetupTimeout.count()) + " ms");
    } else {
      stream = dial();
    }
    if (!healthCheck) {
      phase_ = Phase::Handshake;
      PublicKey remoteKey;
      std::uint8_t remotePriority = 0;
      Bytes early = exchangeMetadata(*stream, remoteKey, remotePriority);
      checkRemote(remoteKey);
      if (probe) {
        // Done: the router never hears of this link.
        std::lock_guard lock(mutex_);
        probe_ = ProbeResult{remoteKey, handshakeRtt_};
      } else {
        std::uint8_t priority = std::max(uri_.options().priority, remotePriority);
        throwIfClosing();
        endpoint = env_->registry->addPeer(remoteKey, priority, self);
        if (!endpoint) throw Error(Errc::Closed, "router refused the peer");
        {
          std::lock_guard lock(mutex_);
          snapshot_.up = true;
          snapshot_.key = remoteKey;
          snapshot_.priority = priority;
          snapshot_.upSince = Clock::now();
          snapshot_.endpoint = endpoint;
        }
        phase_ = Phase::Up;
        wasUp = true;
        log.info("connected ", direction, ": ", describeRemote(), ", key ", remoteKey.hex(), ", priority ",
                 int(priority));
        if (onUp_) onUp_(self);
        runFrames(*stream, *endpoint, early);
      }
    }
  } catch (const Error& e) {
    error = e.what();
    std::lock_guard lock(mutex_);
    endCode_ = e.code();
  } catch (const std::exception& e) {
    error = std::string("unexpected failure: ") + e.what();
  }

  bool requested = closing_.load();
  if (endpoint) {
    try {
      env_->registry->removePeer(endpoint);
    } catch (const std::exception& e) {
      log.warn(uri_.redacted(), ": removing the peer from the router failed: ", e.what());
    }
  }
  if (stream) stream->shutdown();
  stream.reset();

  if (probe) {
    if (error.empty())
      log.debug(uri_.redacted(), ": probe answered");
    else
      log.debug(uri_.redacted(), ": probe failed: ", error);
  } else if (healthCheck) {
    log.debug(uri_.redacted(), ": answered a WebSocket health check");
    error = "health check";
  } else if (phase_ == Phase::Up) {
    log.info("disconnected ", direction, ": ", describeRemote(), "; error: ", error);
  } else if (requested) {
    log.debug(uri_.redacted(), ": ", direction, " link closed before it came up: ", error);
  } else if (phase_ == Phase::Handshake) {
    log.warn(describeRemote(), ": ", direction, " link failed: ", error);
  } else {
    log.info(uri_.redacted(), ": ", inboundLink_ ? "inbound connection setup failed: " : "connection failed: ", error);
  }
  {
    std::lock_guard lock(mutex_);
    snapshot_ = Snapshot{};
  }
  endpoint.reset();
  if (onClosed_) onClosed_(self, error, wasUp);
}

}  // namespace rtk::core::link
