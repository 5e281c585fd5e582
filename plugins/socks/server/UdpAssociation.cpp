#include "server/UdpAssociation.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "protocol/UdpHeader.hpp"

namespace rtk::plugins::socks {

namespace {

constexpr std::size_t kClientBufferBytes = UdpAssociation::kMaxDatagramBytes + 262 + 1;
constexpr int kDatagramsPerWake = 64;
constexpr auto kTargetResolveTimeout = std::chrono::seconds(10);

// `e` for a socket of `family` (AF_INET takes v4-mapped addresses only).
socklen_t sockaddrFor(const Endpoint& e, int family, sockaddr_storage& ss) {
  ss = {};
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    in->sin_family = AF_INET;
    in->sin_port = htons(e.port);
    std::memcpy(&in->sin_addr, e.address.bytes.data() + 12, 4);
    return sizeof(sockaddr_in);
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons(e.port);
  std::memcpy(&in6->sin6_addr, e.address.bytes.data(), 16);
  return sizeof(sockaddr_in6);
}

int socketFamily(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  return ss.ss_family;
}

// "domain:www.test.ygg:53", names lower-cased without a trailing dot; empty
// for a name no resolver would take.
std::string targetKey(const Destination& d) {
  if (d.kind != Destination::Kind::Domain) return (d.kind == Destination::Kind::Ipv4 ? "ipv4:" : "ipv6:") + d.describe();
  std::string name = d.domain;
  if (!name.empty() && name.back() == '.') name.pop_back();
  if (name.empty()) return {};
  for (auto& c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u == 0x7f) return {};
    c = static_cast<char>(std::tolower(u));
  }
  return "domain:" + name + ":" + std::to_string(d.port);
}

int msUntil(TimePoint t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count() + 1;
  return ms <= 0 ? 0 : static_cast<int>(std::min<long long>(ms, 60000));
}

}  // namespace

UdpAssociation::UdpAssociation(std::uint64_t id, std::unique_ptr<SocketConn> control,
                               std::unique_ptr<ClientHandshake> handshake, const UpstreamDialer& dialer,
                               const ProxySettings& settings, Log log, ProxyCounters& counters, AssociateLimiter& limiter)
    : id_(id),
      control_(std::move(control)),
      handshake_(std::move(handshake)),
      dialer_(dialer),
      settings_(settings),
      log_(std::move(log)),
      counters_(counters),
      limiter_(limiter),
      clientLabel_(control_->label()),
      requested_(handshake_->request().destination) {
  controlIsTcp_ = socketFamily(control_->fd()) != AF_UNIX;
  controlPeer_ = control_->remoteEndpoint();
  principal_ = handshake_->principal();
  if (principal_.empty()) principal_ = controlIsTcp_ ? "ip:" + formatIp(controlPeer_.address) : "unix";
  counters_.activeAssociations.fetch_add(1);
}

UdpAssociation::~UdpAssociation() {
  join();
  counters_.activeAssociations.fetch_sub(1);
}

void UdpAssociation::start(std::function<void()> finished) {
  loop_.start(sessionThreadName("udp", id_), [this, finished = std::move(finished)] {
    run();
    finished();
  });
}

void UdpAssociation::abort() noexcept {
  stopThreads();
  control_->abort();
}

void UdpAssociation::stopThreads() noexcept {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  workReady_.notify_all();
  if (wake_.valid()) {
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
  }
  if (node_) {
    try {
      node_->close();
    } catch (const std::exception&) {
      // Already closed.
    }
  }
}

void UdpAssociation::join() { loop_.join(); }

json::Value UdpAssociation::describe() const {
  json::Value v = json::Value::object();
  v.set("kind", "udp-associate");
  v.set("client", clientLabel_);
  v.set("principal", principal_);
  std::lock_guard lock(mutex_);
  v.set("relay", relayAddress_);
  if (pinned_) v.set("pinned", formatIpPort(pinned_->address, pinned_->port));
  json::Value targets = json::Value::array();
  for (const auto& [key, t] : targets_) {
    json::Value one = json::Value::object();
    one.set("target", t->destination.describe());
    one.set("state", t->state == Target::State::Ready ? "ready" : t->state == Target::State::Pending ? "pending" : "failed");
    if (t->state == Target::State::Ready) one.set("address", formatIpPort(t->endpoint.address, t->endpoint.port));
    targets.push(std::move(one));
  }
  v.set("targets", std::move(targets));
  return v;
}

void UdpAssociation::replyFailure(ReplyCode code, const std::string& why) {
  counters_.dialFailures.fetch_add(1);
  log_.info(clientLabel_, ": UDP ASSOCIATE: ", why, " (reply: ", replyCodeName(code), ")");
  try {
    const std::string reply = handshake_->failureReply(code, why);
    control_->setWriteDeadline(Clock::now() + std::chrono::seconds(5));
    control_->write(reply.data(), reply.size());
  } catch (const Error&) {
    // The client left already.
  }
}

bool UdpAssociation::setUp() {
  const Endpoint local = control_->localEndpoint();
  const bool v4 = !controlIsTcp_ || isV4Mapped(local.address);
  Endpoint bindTo = local;
  bindTo.port = 0;
  if (!controlIsTcp_) {
    bindTo.address = {};
    bindTo.address.bytes[10] = bindTo.address.bytes[11] = 0xff;
    bindTo.address.bytes[12] = 127;
    bindTo.address.bytes[15] = 1;
  }
  Fd relay(::socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  sockaddr_storage ss{};
  socklen_t len = sockaddrFor(bindTo, v4 ? AF_INET : AF_INET6, ss);
  if (!relay.valid() || ::bind(relay.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    replyFailure(ReplyCode::GeneralFailure, std::string("cannot bind the relay socket: ") + std::strerror(errno));
    return false;
  }
  const Endpoint bound = socketEndpoint(relay.get(), false);
  std::unique_ptr<PacketConn> node;
  try {
    node = dialer_.network().listenPacket("udp", ":0");
  } catch (const Error& e) {
    replyFailure(ReplyCode::GeneralFailure, std::string("no datagram socket on the node: ") + e.what());
    return false;
  }
  Fd wake(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (dialer_.systemProxy()) {
    Fd direct(::socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    int off = 0;
    ::setsockopt(direct.get(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    sockaddr_in6 any{};
    any.sin6_family = AF_INET6;
    if (direct.valid() && ::bind(direct.get(), reinterpret_cast<sockaddr*>(&any), sizeof any) == 0) direct_ = std::move(direct);
    else log_.warn(clientLabel_, ": UDP ASSOCIATE: no direct socket (", std::strerror(errno), "); only Yggdrasil targets");
  }
  std::lock_guard lock(mutex_);
  if (stopping_) return false;
  relay_ = std::move(relay);
  wake_ = std::move(wake);
  node_ = std::move(node);
  relayAddress_ = formatIpPort(bound.address, bound.port);
  return true;
}

void UdpAssociation::run() {
  if (!setUp()) return;
  const Endpoint bound = socketEndpoint(relay_.get(), false);
  try {
    const std::string reply = handshake_->successReply(bound.address, bound.port);
    control_->setWriteDeadline(Clock::now() + std::chrono::seconds(5));
    control_->write(reply.data(), reply.size());
  } catch (const Error& e) {
    log_.info(clientLabel_, ": UDP ASSOCIATE: ", e.what());
    return;
  }
  counters_.associations.fetch_add(1);
  if (settings_.verbose) log_.info(clientLabel_, ": UDP ASSOCIATE relay on ", relayAddress_, " for ", principal_);
  try {
    writer_.start(sessionThreadName("udpw", id_), [this] { writeTargets(); });
    reader_.start(sessionThreadName("udpr", id_), [this] { readNode(); });
    clientLoop();
  } catch (const Error& e) {
    log_.warn(clientLabel_, ": UDP ASSOCIATE: ", e.what());
  }
  stopThreads();
  writer_.join();
  reader_.join();
  control_->close();
  std::lock_guard lock(mutex_);
  while (!targets_.empty()) removeTarget(targets_.begin()->first);
  work_.clear();
}

void UdpAssociation::clientLoop() {
  std::vector<std::uint8_t> buffer(kClientBufferBytes);
  {
    std::lock_guard lock(mutex_);
    lastValid_ = Clock::now();
  }
  for (;;) {
    int timeout = sweepIdleTargets();
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      if (settings_.idleTimeout.count() > 0) {
        const TimePoint idleAt = lastValid_ + settings_.idleTimeout;
        if (Clock::now() >= idleAt) {
          if (settings_.verbose) log_.info(clientLabel_, ": UDP ASSOCIATE idle for ", settings_.idleTimeout.count() / 1000, " s: ended");
          return;
        }
        timeout = timeout < 0 ? msUntil(idleAt) : std::min(timeout, msUntil(idleAt));
      }
    }
    pollfd fds[4] = {{relay_.get(), POLLIN, 0}, {control_->fd(), POLLIN, 0}, {wake_.get(), POLLIN, 0}, {direct_.get(), POLLIN, 0}};
    const nfds_t count = direct_.valid() ? 4 : 3;
    if (::poll(fds, count, timeout) < 0) {
      if (errno == EINTR) continue;
      throw Error(Errc::Io, std::string("poll: ") + std::strerror(errno));
    }
    if (fds[2].revents) continue;  // abort(): the loop checks stopping_
    if (fds[1].revents) {
      char sink[512];
      ssize_t n = ::recv(control_->fd(), sink, sizeof sink, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        if (settings_.verbose) log_.info(clientLabel_, ": UDP ASSOCIATE control connection closed: ended");
        return;
      }
    }
    if (fds[0].revents) {
      for (int i = 0; i < kDatagramsPerWake; ++i) {
        sockaddr_storage from{};
        socklen_t len = sizeof from;
        ssize_t n = ::recvfrom(relay_.get(), buffer.data(), buffer.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len);
        if (n < 0) break;
        if (static_cast<std::size_t>(n) >= buffer.size()) {
          dropPacket();  // larger than any SOCKS datagram: truncated
          continue;
        }
        onClientDatagram(buffer.data(), static_cast<std::size_t>(n), endpointFromSockaddr(from));
      }
    }
    if (count == 4 && fds[3].revents) onDirectReply();
  }
}

void UdpAssociation::dropPacket() { counters_.droppedAssociatePackets.fetch_add(1, std::memory_order_relaxed); }

void UdpAssociation::onClientDatagram(const std::uint8_t* data, std::size_t size, const Endpoint& from) {
  if (controlIsTcp_ && from.address != controlPeer_.address) return dropPacket();
  if (requested_.port != 0 && from.port != requested_.port) return dropPacket();
  if (requested_.kind != Destination::Kind::Domain && !requested_.address().isUnspecified() &&
      !(requested_.kind == Destination::Kind::Ipv4 && requested_.ip[0] == 0 && requested_.ip[1] == 0 &&
        requested_.ip[2] == 0 && requested_.ip[3] == 0) &&
      from.address != requested_.address())
    return dropPacket();
  auto header = parseUdpHeader({data, size});
  if (header.status != ParseStatus::Done || header.value.fragment != 0) return dropPacket();
  const std::string key = targetKey(header.value.destination);
  if (key.empty()) return dropPacket();
  const std::size_t payloadSize = size - header.value.length;

  std::lock_guard lock(mutex_);
  if (pinned_ && *pinned_ != from) return dropPacket();
  if (!pinned_) pinned_ = from;
  const TimePoint now = Clock::now();
  lastValid_ = now;
  auto it = targets_.find(key);
  if (it == targets_.end()) {
    const auto& limits = settings_.associate;
    if ((limits.maxTargetsPerSession > 0 && targets_.size() >= limits.maxTargetsPerSession) || !limiter_.tryAcquire(principal_)) {
      counters_.rejectedAssociateTargets.fetch_add(1);
      return dropPacket();
    }
    auto t = std::make_shared<Target>();
    t->key = key;
    t->destination = header.value.destination;
    t->header = std::string(reinterpret_cast<const char*>(data), header.value.length);
    t->lastActive = now;
    counters_.pendingAssociateTargets.fetch_add(1);
    it = targets_.emplace(key, std::move(t)).first;
  }
  Target& t = *it->second;
  if (t.state == Target::State::Failed) return dropPacket();
  if (t.queue.size() + 1 > settings_.associate.maxQueuedPacketsPerTarget ||
      t.queuedBytes + payloadSize > settings_.associate.maxQueuedBytesPerTarget)
    return dropPacket();
  t.queue.emplace_back(reinterpret_cast<const char*>(data) + header.value.length, payloadSize);
  t.queuedBytes += payloadSize;
  t.lastActive = now;
  if (!t.inWork) {
    t.inWork = true;
    work_.push_back(it->second);
    workReady_.notify_one();
  }
}

void UdpAssociation::resolveTarget(const std::shared_ptr<Target>& t) {
  std::string why;
  ReplyCode code = ReplyCode::GeneralFailure;
  Endpoint endpoint;
  bool direct = false;
  try {
    const Ip6Address address = dialer_.resolve(t->destination, Clock::now() + kTargetResolveTimeout);
    endpoint = {address, t->destination.port};
    if (!address.isYggdrasil()) {
      if (!dialer_.systemProxy())
        throw DialFailure(ReplyCode::NetworkUnreachable,
                          formatIpPort(address, endpoint.port) + " is not on the Yggdrasil network (200::/7), and SystemProxy is off");
      if (!direct_.valid()) throw DialFailure(ReplyCode::GeneralFailure, "no direct socket");
      direct = true;
    }
  } catch (const DialFailure& f) {
    why = f.what();
    code = f.code();
  }
  std::lock_guard lock(mutex_);
  auto it = targets_.find(t->key);
  if (it == targets_.end() || it->second != t) return;  // swept meanwhile
  counters_.pendingAssociateTargets.fetch_sub(1);
  if (!why.empty()) {
    t->state = Target::State::Failed;
    log_.info(clientLabel_, ": UDP target ", t->destination.describe(), ": ", why, " (", replyCodeName(code), "; its datagrams are dropped)");
    return;
  }
  t->state = Target::State::Ready;
  t->endpoint = endpoint;
  t->direct = direct;
  byEndpoint_[endpoint] = t;
  counters_.associateTargets.fetch_add(1);
  if (settings_.verbose) log_.info(clientLabel_, ": UDP target ", t->destination.describe(), " is ", formatIpPort(endpoint.address, endpoint.port));
}

void UdpAssociation::writeTargets() {
  for (;;) {
    std::shared_ptr<Target> t;
    {
      std::unique_lock lock(mutex_);
      workReady_.wait(lock, [this] { return stopping_ || !work_.empty(); });
      if (stopping_) return;
      t = work_.front();
      work_.pop_front();
    }
    bool pending;
    {
      std::lock_guard lock(mutex_);
      pending = t->state == Target::State::Pending;
    }
    if (pending) resolveTarget(t);
    std::deque<std::string> packets;
    {
      std::lock_guard lock(mutex_);
      t->inWork = false;
      packets.swap(t->queue);
      t->queuedBytes = 0;
      if (t->state != Target::State::Ready) {
        counters_.droppedAssociatePackets.fetch_add(packets.size());
        continue;
      }
    }
    for (const auto& p : packets) {
      try {
        if (t->direct) {
          sockaddr_storage ss{};
          socklen_t len = sockaddrFor(t->endpoint, AF_INET6, ss);
          if (::sendto(direct_.get(), p.data(), p.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&ss), len) < 0) dropPacket();
        } else {
          node_->setWriteDeadline(Clock::now() + settings_.associate.targetWriteTimeout);
          node_->writeTo(p.data(), p.size(), t->endpoint);
        }
      } catch (const Error& e) {
        if (e.code() == Errc::Closed) return;
        log_.info(clientLabel_, ": UDP target ", t->destination.describe(), ": ", e.what(), " (target dropped)");
        std::lock_guard lock(mutex_);
        if (auto it = targets_.find(t->key); it != targets_.end() && it->second == t) removeTarget(t->key);
        break;
      }
    }
  }
}

void UdpAssociation::readNode() {
  std::vector<std::uint8_t> buffer(65536);
  for (;;) {
    Endpoint from;
    std::size_t n = 0;
    try {
      n = node_->readFrom(buffer.data(), buffer.size(), from);
    } catch (const Error& e) {
      std::lock_guard lock(mutex_);
      if (!stopping_ && e.code() != Errc::Closed) log_.warn(clientLabel_, ": UDP ASSOCIATE: ", e.what());
      return;
    }
    std::shared_ptr<Target> t;
    {
      std::lock_guard lock(mutex_);
      auto it = byEndpoint_.find(from);
      if (it == byEndpoint_.end()) {
        dropPacket();
        continue;
      }
      t = it->second;
      t->lastActive = lastValid_ = Clock::now();
    }
    sendReply(t, buffer.data(), n);
  }
}

void UdpAssociation::onDirectReply() {
  std::vector<std::uint8_t> buffer(65536);
  for (int i = 0; i < kDatagramsPerWake; ++i) {
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(direct_.get(), buffer.data(), buffer.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return;
    std::shared_ptr<Target> t;
    {
      std::lock_guard lock(mutex_);
      auto it = byEndpoint_.find(endpointFromSockaddr(from));
      if (it == byEndpoint_.end()) {
        dropPacket();
        continue;
      }
      t = it->second;
      t->lastActive = lastValid_ = Clock::now();
    }
    sendReply(t, buffer.data(), static_cast<std::size_t>(n));
  }
}

void UdpAssociation::sendReply(const std::shared_ptr<Target>& t, const std::uint8_t* payload, std::size_t size) {
  if (t->header.size() + size > kMaxDatagramBytes) return dropPacket();
  Endpoint to;
  {
    std::lock_guard lock(mutex_);
    if (!pinned_) return dropPacket();
    to = *pinned_;
  }
  std::string datagram = t->header;
  datagram.append(reinterpret_cast<const char*>(payload), size);
  sockaddr_storage ss{};
  socklen_t len = sockaddrFor(to, socketFamily(relay_.get()), ss);
  if (::sendto(relay_.get(), datagram.data(), datagram.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&ss), len) < 0) dropPacket();
}

void UdpAssociation::removeTarget(const std::string& key) {
  auto it = targets_.find(key);
  if (it == targets_.end()) return;
  const auto& t = it->second;
  if (t->state == Target::State::Ready) {
    if (auto e = byEndpoint_.find(t->endpoint); e != byEndpoint_.end() && e->second == t) byEndpoint_.erase(e);
    counters_.associateTargets.fetch_sub(1);
  } else if (t->state == Target::State::Pending) {
    counters_.pendingAssociateTargets.fetch_sub(1);
  }
  counters_.droppedAssociatePackets.fetch_add(t->queue.size());
  limiter_.release(principal_);
  targets_.erase(it);
}

int UdpAssociation::sweepIdleTargets() {
  std::lock_guard lock(mutex_);
  const TimePoint now = Clock::now();
  const auto idle = settings_.associate.targetIdle;
  int next = -1;
  for (auto it = targets_.begin(); it != targets_.end();) {
    const auto& t = it->second;
    if (!t->inWork && now - t->lastActive >= idle) {
      auto key = (it++)->first;
      removeTarget(key);
      continue;
    }
    const int ms = msUntil(t->lastActive + idle);
    next = next < 0 ? ms : std::min(next, ms);
    ++it;
  }
  return next;
}

}  // namespace rtk::plugins::socks
