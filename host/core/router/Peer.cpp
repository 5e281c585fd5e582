#include "core/router/Peer.hpp"

#include "core/router/Router.hpp"
#include "core/util/BufferPool.hpp"
#include "core/wire/Frame.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::router {

Peer::Peer(Router* router, std::shared_ptr<EventLoop> loop, std::shared_ptr<const crypto::SigningKey> signer,
           const RouterConfig& config, Params params, std::shared_ptr<PeerTransport> transport)
    : router_(router),
      loop_(std::move(loop)),
      signer_(std::move(signer)),
      selfKey_(signer_->publicKey()),
      params_(params),
      maxMessageSize_(config.maxMessageSize),
      limits_(config.limits),
      queueDropDelay_(config.queueDropDelay),
      log_(config.log),
      name_("peer " + params.key.hex().substr(0, 16) + " port " + std::to_string(params.port)),
      transport_(std::move(transport)),
      inbox_(2 * config.limits.maxInboxFrames),
      sigReqSentNs_(nowNs()) {}

std::int64_t Peer::nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void Peer::fail(const std::string& what) const { throw Error(Errc::Protocol, "router: " + name_ + ": " + what); }

template <class T>
T Peer::decodeBody(ByteView body) const {
  try {
    return T::decode(body);
  } catch (const Error& e) {
    fail(e.what());
  }
}

void Peer::handleFrame(ByteView frame) {
  if (frame.empty()) fail("empty frame");
  if (frame.size() > maxMessageSize_) fail("frame of " + std::to_string(frame.size()) + " bytes is over the limit");
  const ByteView body = frame.subspan(1);
  switch (static_cast<wire::PacketType>(frame[0])) {
    case wire::PacketType::Dummy:
    case wire::PacketType::KeepAlive:
      return;  // link-level; the link layer's timers care, we do not
    case wire::PacketType::SigReq:
      answerSigReq(decodeBody<wire::SigReq>(body));
      return;
    case wire::PacketType::SigRes: {
      auto res = decodeBody<wire::SigRes>(body);
      if (!res.check(selfKey_, params_.key)) fail("sigres signature does not verify");
      const std::int64_t now = nowNs();
      sigResRecvNs_.store(now);
      deliver(InboundSigRes{res, std::chrono::nanoseconds(now - sigReqSentNs_.load())});
      return;
    }
    case wire::PacketType::Announce: {
      auto ann = decodeBody<wire::Announce>(body);
      if (!ann.check()) fail("announce for " + ann.key.hex().substr(0, 16) + " fails its port or signature checks");
      deliver(std::move(ann));
      return;
    }
    case wire::PacketType::BloomFilter:
      deliver(std::make_unique<wire::BloomFilter>(decodeBody<wire::BloomFilter>(body)));
      return;
    case wire::PacketType::PathLookup:
      deliver(decodeBody<wire::PathLookup>(body));
      return;
    case wire::PacketType::PathNotify: {
      InboundNotify n{decodeBody<wire::PathNotify>(body), false};
      // Only a notify addressed to us can be accepted, so only then is the
      // signature worth checking; doing it here keeps crypto off the router
      // thread. The router consults it where ironwood calls check().
      if (n.notify.dest == selfKey_) n.verified = n.notify.check();
      deliver(std::move(n));
      return;
    }
    case wire::PacketType::PathBroken:
      deliver(decodeBody<wire::PathBroken>(body));
      return;
    case wire::PacketType::Traffic:
      deliver(decodeBody<wire::Traffic>(body));
      return;
  }
  fail("unrecognized message type " + std::to_string(frame[0]));
}

void Peer::answerSigReq(const wire::SigReq& req) {
  // ironwood router._handleRequest: sign (this link's key, our key) at this
  // link's port. Nothing in the router's state is involved.
  wire::SigRes res{req, params_.port, {}};
  res.psig = signer_->sign(res.bytesForSig(params_.key, selfKey_));
  Bytes frame;
  wire::appendFrame(frame, wire::PacketType::SigRes, res);
  sendDirectFrame(wire::PacketType::SigRes, std::move(frame));
}

void Peer::deliver(Inbound message) {
  // Never waits for a link that asked acceptsFrames() first; Dropped once
  // removed or stopping (the link is going away).
  if (inbox_.pushWaiting(std::move(message)) != QueuePush::QueuedFirst) return;
  loop_->post([router = router_, self = shared_from_this()] { router->drainInbox(self); });
}

bool Peer::acceptsFrames() {
  if (inbox_.queuedCost() < limits_.maxInboxFrames) return true;
  // Say "paused" before looking again: either takeInbox sees the flag and
  // wakes the reader, or this second look sees the drained inbox.
  readerPaused_.store(true);
  return inbox_.queuedCost() < limits_.maxInboxFrames;
}

void Peer::takeInbox(std::vector<Inbound>& batch) {
  inbox_.drainInto(batch);
  if (!readerPaused_.exchange(false)) return;
  std::shared_ptr<PeerTransport> transport;
  {
    std::lock_guard lock(outMutex_);
    transport = transport_;
  }
  if (transport) transport->wakeReader();
}

void Peer::wake(std::unique_lock<std::mutex>& lock) {
  if (wakePending_) return;
  wakePending_ = true;
  auto transport = transport_;
  lock.unlock();
  if (transport) transport->wakeWriter();
}

void Peer::sendSigReq(const wire::SigReq& req) {
  Bytes frame;
  wire::appendFrame(frame, wire::PacketType::SigReq, req);
  sendDirectFrame(wire::PacketType::SigReq, std::move(frame));
}

void Peer::sendDirectFrame(wire::PacketType type, Bytes frame) {
  std::unique_lock lock(outMutex_);
  if (detached_) return;
  if (directBytes_ + frame.size() > limits_.maxDirectBytes) {
    // The peer keeps making us answer but does not read the answers.
    direct_.clear();
    directBytes_ = 0;
    auto transport = transport_;
    lock.unlock();
    log_.warn(name_, ": over ", limits_.maxDirectBytes, " bytes of protocol frames unread, closing the link");
    if (transport) transport->closeTransport("router: peer does not read its protocol frames");
    return;
  }
  directBytes_ += frame.size();
  direct_.push(DirectFrame{type, std::move(frame)});
  wake(lock);
}

void Peer::sendQueued(QueuedPacket packet) {
  const std::size_t size = packetSize(packet);
  if (size + 1 > maxMessageSize_) return;  // ironwood's writer drops these silently
  const auto now = PacketQueue::Clock::now();
  std::unique_lock lock(outMutex_);
  if (detached_) return;
  if (auto oldest = queue_.oldestTime(); oldest && now - *oldest > queueDropDelay_) queue_.dropOne();
  while (!queue_.empty() &&
         (queue_.packets() >= limits_.maxQueuedPackets || queue_.bytes() + size > limits_.maxQueuedBytes))
    queue_.dropOne();
  queue_.push(std::move(packet), size, now);
  wake(lock);
}

std::size_t Peer::takeOutbound(Bytes& out, std::size_t maxBytes) {
  // Reused across calls so steady traffic does not allocate here.
  thread_local std::vector<PacketQueue::Entry> taking;
  taking.clear();
  std::size_t frames = 0;
  std::shared_ptr<PeerTransport> rewake;
  {
    std::lock_guard lock(outMutex_);
    wakePending_ = false;
    bool tookSigReq = false;
    while (out.size() < maxBytes && !direct_.empty()) {
      DirectFrame d = direct_.pop();
      directBytes_ -= d.frame.size();
      tookSigReq = tookSigReq || d.type == wire::PacketType::SigReq;
      out.insert(out.end(), d.frame.begin(), d.frame.end());
      ++frames;
    }
    // ironwood stamps srst when the sigreq is written; this is that moment.
    if (tookSigReq) sigReqSentNs_.store(nowNs());
    std::size_t planned = out.size();
    while (planned < maxBytes) {
      auto entry = queue_.pop();
      if (!entry) break;
      planned += wire::uvarintSize(entry->size + 1) + 1 + entry->size;
      taking.push_back(std::move(*entry));
    }
    if (!direct_.empty() || !queue_.empty()) {
      wakePending_ = true;
      rewake = transport_;
    }
  }
  // Encoding (the payload copy) happens outside the lock so the router
  // thread can keep queueing meanwhile.
  for (auto& e : taking) {
    appendPacketFrame(out, e.packet);
    // The payload was copied into the link's buffer: its storage goes back
    // to the pool it came from (the session layer's seal, a traffic decode).
    if (auto* traffic = std::get_if<wire::Traffic>(&e.packet))
      BufferPool::shared().give(std::move(traffic->payload.buffer));
    ++frames;
  }
  taking.clear();
  if (rewake) rewake->wakeWriter();
  return frames;
}

PeerEndpointInfo Peer::info() const {
  PeerEndpointInfo i;
  i.key = params_.key;
  i.port = params_.port;
  i.priority = params_.priority;
  i.cost = cost_.load();
  const std::int64_t recv = sigResRecvNs_.load(), sent = sigReqSentNs_.load();
  if (recv != 0 && recv > sent) {
    // ironwood debug.go rounds to 10 µs
    const std::int64_t rtt = (recv - sent + 5000) / 10000 * 10000;
    if (rtt > 0) i.latency = std::chrono::nanoseconds(rtt);
  }
  std::lock_guard lock(rootMutex_);
  i.root = root_;
  return i;
}

void Peer::publish(std::uint64_t cost, const PublicKey& root) {
  cost_.store(cost);
  std::lock_guard lock(rootMutex_);
  root_ = root;
}

void Peer::close(const std::string& reason) {
  std::shared_ptr<PeerTransport> transport;
  {
    std::lock_guard lock(outMutex_);
    transport = transport_;
  }
  if (transport) transport->closeTransport(reason);
}

void Peer::detach() {
  {
    std::lock_guard lock(outMutex_);
    detached_ = true;
    direct_.clear();
    directBytes_ = 0;
    queue_.clear();
    transport_.reset();
  }
  inbox_.close();
  std::vector<Inbound> discarded;
  inbox_.drainInto(discarded);
}

}  // namespace rtk::core::router
