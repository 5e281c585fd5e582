#include "server/SocksServer.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "protocol/HttpConnectHandshake.hpp"
#include "protocol/SocksHandshake.hpp"
#include "server/Tunnel.hpp"
#include "server/UdpAssociation.hpp"
#include "util/SocketConn.hpp"

namespace rtk::plugins::socks {

namespace {

constexpr std::uint64_t kWakeTag = 1ull << 62;
constexpr std::uint64_t kListenerTag = 1ull << 63;
constexpr std::size_t kHandshakeReadBytes = 4096;
constexpr auto kMaxAcceptBackoff = std::chrono::milliseconds(1000);

void epollAdd(int epoll, int fd, std::uint64_t tag, std::uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = tag;
  if (::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &ev) != 0)
    throw Error(Errc::Io, std::string("socks: epoll_ctl add: ") + std::strerror(errno));
}

}  // namespace

SocksServer::SocksServer(ProxySettings settings, const UpstreamDialer& dialer, Log log)
    : settings_(std::move(settings)),
      dialer_(dialer),
      log_(std::move(log)),
      limiter_(settings_.associate.maxTargets, settings_.associate.maxTargetsPerPrincipal),
      maxConnections_(settings_.maxConnections) {}

SocksServer::~SocksServer() { stop(); }

void SocksServer::start() {
  std::vector<HostListener> listeners;
  std::vector<std::string> bound;
  for (const auto& spec : settings_.listen) {
    listeners.push_back(HostListener::open(spec.address));
    bound.push_back(listeners.back().boundAddress());
  }
  Fd epoll(::epoll_create1(EPOLL_CLOEXEC));
  Fd wake(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!epoll.valid() || !wake.valid()) throw Error(Errc::Io, std::string("socks: epoll/eventfd: ") + std::strerror(errno));
  epollAdd(epoll.get(), wake.get(), kWakeTag, EPOLLIN);
  std::vector<std::unique_ptr<RelayLoop>> relays;
  for (std::size_t i = 0; i < kRelayThreads; ++i) {
    relays.push_back(std::make_unique<RelayLoop>("rtk-sockr-" + std::to_string(i)));
    relays.back()->start();  // a failure stops the ones started (destructors)
  }
  relays_ = std::move(relays);
  listeners_ = std::move(listeners);
  bound_ = std::move(bound);
  epoll_ = std::move(epoll);
  wake_ = std::move(wake);
  stopping_ = false;
  setListening(true);
  thread_.start("rtk-socks", [this] { run(); });
  for (std::size_t i = 0; i < bound_.size(); ++i) {
    const bool http = settings_.listen[i].protocol == ListenSpec::Protocol::Http;
    log_.info(http ? "HTTP CONNECT" : "SOCKS5", " proxy listening on ", bound_[i], ", at most ", maxConnections_.load(),
              " connections", settings_.users.empty() ? "" : ", username/password required");
  }
}

void SocksServer::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  wake();
  thread_.join();
  // Every session ended with the loop (shutdownAll): nothing is relayed or dialled any more.
  dials_.stop();
  for (auto& r : relays_) r->stop();
  relays_.clear();
  listeners_.clear();
  epoll_.reset();
  wake_.reset();
}

void SocksServer::wake() noexcept {
  std::uint64_t one = 1;
  if (wake_.valid()) [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
}

void SocksServer::setMaxConnections(std::size_t max) {
  maxConnections_.store(max < 1 ? 1 : max);
  wake();
}

std::vector<std::string> SocksServer::boundAddresses() const { return bound_; }

bool SocksServer::full() const {
  std::size_t sessions;
  {
    std::lock_guard lock(sessionsMutex_);
    sessions = sessions_.size();
  }
  return clients_.size() + sessions >= maxConnections_.load();
}

void SocksServer::setListening(bool on) {
  if (on == listening_) return;
  for (std::size_t i = 0; i < listeners_.size(); ++i) {
    if (on) {
      epollAdd(epoll_.get(), listeners_[i].fd(), kListenerTag | i, EPOLLIN);
    } else {
      ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, listeners_[i].fd(), nullptr);
    }
  }
  listening_ = on;
}

void SocksServer::updateListening() {
  const bool paused = Clock::now() < acceptPausedUntil_;
  // At the limit with handshakes in progress we still accept: the oldest handshake makes room.
  const bool room = !full() || !clients_.empty();
  setListening(!paused && room);
}

int SocksServer::waitTimeoutMs() const {
  Deadline next;
  if (!clients_.empty() && clients_.begin()->second.deadline) next = clients_.begin()->second.deadline;
  if (!listening_ && acceptPausedUntil_ > Clock::now() && (!next || acceptPausedUntil_ < *next)) next = acceptPausedUntil_;
  if (!next) return -1;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*next - Clock::now()).count() + 1;
  return ms < 0 ? 0 : static_cast<int>(std::min<long long>(ms, 60000));
}

void SocksServer::run() {
  std::vector<epoll_event> events(256);
  while (!stopping_.load()) {
    int n = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), waitTimeoutMs());
    if (n < 0) {
      if (errno == EINTR) continue;
      log_.error("epoll_wait: ", std::strerror(errno), "; the proxy stops serving");
      break;
    }
    for (int i = 0; i < n; ++i) {
      const std::uint64_t tag = events[static_cast<std::size_t>(i)].data.u64;
      if (tag == kWakeTag) {
        std::uint64_t count;
        [[maybe_unused]] auto r = ::read(wake_.get(), &count, sizeof count);
      } else if (tag & kListenerTag) {
        if (listening_) acceptFrom(static_cast<std::size_t>(tag & ~kListenerTag));
      } else if (clients_.count(tag)) {
        readClient(tag);
      }
    }
    reapSessions();
    expireHandshakes();
    updateListening();
  }
  shutdownAll();
}

void SocksServer::acceptFrom(std::size_t index) {
  const HostListener& listener = listeners_[index];
  const ListenSpec::Protocol protocol = settings_.listen[index].protocol;
  for (;;) {
    if (full() && clients_.empty()) return;  // every slot is a session: wait for one to end
    int fd = ::accept4(listener.fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      if (err == EAGAIN || err == EWOULDBLOCK) return;
      if (err == EINTR || err == ECONNABORTED) continue;
      if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
        log_.warn("accept on ", bound_[index], ": ", std::strerror(err), "; pausing accepts for ", acceptBackoff_.count(), " ms");
        acceptPausedUntil_ = Clock::now() + acceptBackoff_;
        acceptBackoff_ = std::min(acceptBackoff_ * 2, kMaxAcceptBackoff);
        setListening(false);
        return;
      }
      log_.error("accept on ", bound_[index], ": ", std::strerror(err));
      return;
    }
    acceptBackoff_ = std::chrono::milliseconds(10);
    counters_.accepted.fetch_add(1);
    if (full() && !clients_.empty()) {
      auto oldest = clients_.begin()->first;
      counters_.evictedHandshakes.fetch_add(1);
      closeClient(oldest, "closed to make room for a new client (MaxConnections " + std::to_string(maxConnections_.load()) +
                              " reached while it was still in its handshake)", false);
    }
    const std::uint64_t id = nextId_++;
    Client c;
    c.fd.reset(fd);
    c.label = std::string(protocol == ListenSpec::Protocol::Http ? "http" : "socks") + " client " + describeSocketPeer(fd);
    if (protocol == ListenSpec::Protocol::Http) {
      c.handshake = std::make_unique<HttpConnectHandshake>(settings_.users);
    } else {
      c.handshake = std::make_unique<SocksHandshake>(settings_.users);
    }
    if (settings_.handshakeTimeout.count() > 0) c.deadline = Clock::now() + settings_.handshakeTimeout;
    try {
      epollAdd(epoll_.get(), fd, id, EPOLLIN | EPOLLRDHUP);
    } catch (const Error& e) {
      log_.warn(c.label, ": ", e.what());
      continue;  // c closes the descriptor
    }
    if (settings_.verbose) log_.info(c.label, ": accepted on ", bound_[index]);
    clients_.emplace(id, std::move(c));
    counters_.handshakes.store(static_cast<std::int64_t>(clients_.size()));
  }
}

void SocksServer::closeClient(std::uint64_t id, const std::string& why, bool failure) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  if (failure) counters_.handshakeFailures.fetch_add(1);
  log_.info(it->second.label, ": ", why, " (closed)");
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, it->second.fd.get(), nullptr);
  clients_.erase(it);
  counters_.handshakes.store(static_cast<std::int64_t>(clients_.size()));
}

void SocksServer::readClient(std::uint64_t id) {
  Client& c = clients_.at(id);
  std::uint8_t buffer[kHandshakeReadBytes];
  ssize_t n = ::recv(c.fd.get(), buffer, sizeof buffer, 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    closeClient(id, std::string("handshake: ") + std::strerror(errno), true);
    return;
  }
  if (n == 0) {
    closeClient(id, c.bytesSeen == 0 ? "closed the connection before its greeting"
                                     : "closed the connection in the middle of its handshake (" + std::to_string(c.bytesSeen) + " bytes)",
                true);
    return;
  }
  c.bytesSeen += static_cast<std::size_t>(n);
  HandshakeStep step = c.handshake->feed({buffer, static_cast<std::size_t>(n)});
  if (!step.reply.empty()) {
    // Handshake answers are a few bytes into an empty socket buffer: if they do not fit, the client is not reading.
    ssize_t sent = ::send(c.fd.get(), step.reply.data(), step.reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent != static_cast<ssize_t>(step.reply.size()) && step.kind != HandshakeStep::Kind::Fail) {
      closeClient(id, "does not read the handshake's answers", true);
      return;
    }
  }
  switch (step.kind) {
    case HandshakeStep::Kind::NeedMore: return;
    case HandshakeStep::Kind::Fail: closeClient(id, step.error, true); return;
    case HandshakeStep::Kind::Ready: handOff(id); return;
  }
}

void SocksServer::handOff(std::uint64_t id) {
  auto node = clients_.extract(id);
  counters_.handshakes.store(static_cast<std::int64_t>(clients_.size()));
  Client& c = node.mapped();
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, c.fd.get(), nullptr);
  const std::uint8_t command = c.handshake->request().command;
  const std::string label = c.label;
  auto client = std::make_unique<SocketConn>(std::move(c.fd), label);
  std::unique_ptr<Session> session;
  if (command == static_cast<std::uint8_t>(Command::Connect)) {
    session = std::make_unique<Tunnel>(id, std::move(client), std::move(c.handshake), c.deadline, dialer_, settings_, log_,
                                       counters_, TunnelEngine{dials_, *relays_[id % relays_.size()]});
  } else {
    session = std::make_unique<UdpAssociation>(id, std::move(client), std::move(c.handshake), dialer_, settings_, log_,
                                               counters_, limiter_);
  }
  Session* raw = session.get();
  {
    std::lock_guard lock(sessionsMutex_);
    sessions_.emplace(id, std::move(session));
  }
  try {
    raw->start([this, id] {
      {
        std::lock_guard lock(finishedMutex_);
        finished_.push_back(id);
      }
      wake();
    });
  } catch (const Error& e) {
    log_.warn(label, ": ", e.what(), " (closed)");
    raw->abort();
    std::lock_guard lock(sessionsMutex_);
    sessions_.erase(id);
  }
}

void SocksServer::reapSessions() {
  std::vector<std::uint64_t> done;
  {
    std::lock_guard lock(finishedMutex_);
    done.swap(finished_);
  }
  for (auto id : done) {
    std::unique_ptr<Session> session;
    {
      std::lock_guard lock(sessionsMutex_);
      auto it = sessions_.find(id);
      if (it == sessions_.end()) continue;
      session = std::move(it->second);
      sessions_.erase(it);
    }
    session->join();
  }
}

void SocksServer::expireHandshakes() {
  const TimePoint now = Clock::now();
  while (!clients_.empty()) {
    auto& [id, c] = *clients_.begin();
    if (!c.deadline || *c.deadline > now) break;
    closeClient(id, "no complete handshake within " + std::to_string(settings_.handshakeTimeout.count()) + " ms", true);
  }
}

void SocksServer::shutdownAll() {
  setListening(false);
  for (auto& l : listeners_) l.close();
  clients_.clear();
  counters_.handshakes.store(0);
  std::map<std::uint64_t, std::unique_ptr<Session>> sessions;
  {
    std::lock_guard lock(sessionsMutex_);
    sessions.swap(sessions_);
  }
  for (auto& [id, s] : sessions) s->abort();
  for (auto& [id, s] : sessions) s->join();
  sessions.clear();
  std::lock_guard lock(finishedMutex_);
  finished_.clear();
}

json::Value SocksServer::snapshot() const {
  json::Value v = json::Value::object();
  json::Value listen = json::Value::array();
  for (const auto& a : bound_) listen.push(a);
  v.set("listen", std::move(listen));
  v.set("max_connections", static_cast<std::uint64_t>(maxConnections_.load()));
  const auto handshakes = counters_.handshakes.load();
  json::Value sessions = json::Value::array();
  std::size_t sessionCount;
  {
    std::lock_guard lock(sessionsMutex_);
    sessionCount = sessions_.size();
    for (const auto& [id, s] : sessions_) sessions.push(s->describe());
  }
  v.set("active_connections", static_cast<std::uint64_t>(handshakes) + sessionCount);
  v.set("handshakes", handshakes);
  v.set("tunnels", counters_.activeTunnels.load());
  v.set("associations", counters_.activeAssociations.load());
  v.set("associate_targets", counters_.associateTargets.load());
  v.set("pending_associate_targets", counters_.pendingAssociateTargets.load());
  v.set("rejected_associate_targets", counters_.rejectedAssociateTargets.load());
  v.set("dropped_associate_packets", counters_.droppedAssociatePackets.load());
  v.set("accepted", counters_.accepted.load());
  v.set("handshake_failures", counters_.handshakeFailures.load());
  v.set("evicted_handshakes", counters_.evictedHandshakes.load());
  v.set("dial_failures", counters_.dialFailures.load());
  v.set("tunnels_opened", counters_.tunnels.load());
  v.set("associations_opened", counters_.associations.load());
  v.set("bytes_up", counters_.bytesUp.load());
  v.set("bytes_down", counters_.bytesDown.load());
  v.set("sessions", std::move(sessions));
  return v;
}

}  // namespace rtk::plugins::socks
