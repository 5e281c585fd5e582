#include "core/proto/ProtoHandler.hpp"

#include <exception>

#include "ratatoskr/address.hpp"
#include "core/proto/Json.hpp"
#include "core/proto/NodeInfo.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::core::proto {

// One blocked caller. The reply callback holds it weakly: a caller that gave
// up leaves nothing behind for a late reply to touch.
struct ProtoHandler::Waiter {
  std::mutex mutex;
  std::condition_variable cv;
  std::optional<Bytes> body;
  bool closed = false;
  std::uint64_t id = 0;  // the dispatcher's waiter id, set on the proto thread
  Clock::time_point answeredAt;
};

ProtoHandler::ProtoHandler(Hooks hooks, Options options, Log log)
    : log_(std::move(log)),
      nodeInfo_(NodeInfo::build(options.nodeInfo, options.nodeInfoPrivacy)),
      now_(std::move(options.now)),
      sweepInterval_(options.sweepInterval),
      maxQueued_(options.maxQueuedMessages),
      dispatcher_(std::make_unique<ProtoDispatcher>(std::move(hooks), nodeInfo_, options.limits, log_)),
      loop_("rtk-proto") {
  scheduleSweep();
}

ProtoHandler::~ProtoHandler() { stop(); }

void ProtoHandler::stop() {
  closed_.store(true);
  {
    std::lock_guard lock(waitersMutex_);
    for (const auto& w : waiters_) {
      std::lock_guard wl(w->mutex);
      w->closed = true;
      w->cv.notify_all();
    }
  }
  loop_.stop();
}

void ProtoHandler::scheduleSweep() {
  if (sweepInterval_.count() <= 0) return;
  loop_.postAfter(sweepInterval_, [this] {
    dispatcher_->expire(now());
    scheduleSweep();
  });
}

void ProtoHandler::handleMessage(const PublicKey& from, Bytes message) {
  if (closed_.load(std::memory_order_relaxed)) return;
  if (queued_.fetch_add(1) >= maxQueued_) {
    queued_.fetch_sub(1);
    if (queueDrops_.fetch_add(1) % 1024 == 0)
      log_.debug("inbound queue full (", maxQueued_, " messages): dropping proto messages");
    return;
  }
  loop_.post([this, from, msg = std::move(message)] {
    queued_.fetch_sub(1);
    try {
      dispatcher_->handleMessage(from, msg, now());
    } catch (const std::exception& e) {
      log_.warn("from ", from.hex(), ": ", e.what());
    }
  });
}

void ProtoHandler::request(RequestKind kind, const PublicKey& key, RequestTable::Callback callback) {
  if (closed_.load()) throw Error(Errc::Closed, std::string("proto: ") + requestKindName(kind) + ": stopped");
  loop_.post([this, kind, key, cb = std::move(callback)]() mutable {
    try {
      dispatcher_->request(kind, key, std::move(cb), now());
    } catch (const std::exception& e) {
      log_.warn(requestKindName(kind), " ", key.hex(), ": ", e.what());
    }
  });
}

Bytes ProtoHandler::waitFor(RequestKind kind, const PublicKey& key, std::chrono::milliseconds timeout,
                            std::chrono::nanoseconds* rtt) {
  const std::string what = std::string("proto: ") + requestKindName(kind) + " " + key.hex();
  if (loop_.inLoopThread()) throw Error(Errc::InvalidArgument, what + ": blocking call on the proto thread");
  auto w = std::make_shared<Waiter>();
  {
    std::lock_guard lock(waitersMutex_);
    if (closed_.load()) throw Error(Errc::Closed, what + ": stopped");
    waiters_.insert(w);
  }
  const auto start = Clock::now();
  loop_.post([this, w, kind, key] {
    std::weak_ptr<Waiter> weak = w;
    try {
      auto id = dispatcher_->request(
          kind, key,
          [weak](const Bytes& body) {
            auto s = weak.lock();
            if (!s) return;
            std::lock_guard lock(s->mutex);
            if (!s->body) {
              s->body = body;
              s->answeredAt = Clock::now();
            }
            s->cv.notify_all();
          },
          now());
      std::lock_guard lock(w->mutex);
      w->id = id;
    } catch (const std::exception& e) {
      log_.warn(requestKindName(kind), " ", key.hex(), ": ", e.what());
    }
  });

  std::unique_lock lock(w->mutex);
  bool done = w->cv.wait_until(lock, start + timeout, [&] { return w->body.has_value() || w->closed; });
  std::optional<Bytes> body = std::move(w->body);
  auto answeredAt = w->answeredAt;
  lock.unlock();
  {
    std::lock_guard l(waitersMutex_);
    waiters_.erase(w);
  }
  if (body) {
    if (rtt) *rtt = std::chrono::duration_cast<std::chrono::nanoseconds>(answeredAt - start);
    return std::move(*body);
  }
  if (done) throw Error(Errc::Closed, what + ": stopped");
  // Gave up: forget our callback. Posted after the request task, so the id is set by then.
  loop_.post([this, w, kind, key] {
    std::uint64_t id;
    {
      std::lock_guard l(w->mutex);
      id = w->id;
    }
    if (id) dispatcher_->removeWaiter(kind, key, id);
  });
  throw Error(Errc::Timeout, what + ": no reply within " + std::to_string(timeout.count()) + " ms");
}

NodeInfoReply ProtoHandler::getNodeInfo(const PublicKey& key, std::chrono::milliseconds timeout) {
  NodeInfoReply reply;
  Bytes body = waitFor(RequestKind::NodeInfo, key, timeout, &reply.rtt);
  reply.json.assign(body.begin(), body.end());
  return reply;
}

std::string ProtoHandler::remoteGetSelf(const PublicKey& key, std::chrono::milliseconds timeout) {
  Bytes body = waitFor(RequestKind::Self, key, timeout, nullptr);
  return std::string(body.begin(), body.end());
}

std::vector<PublicKey> ProtoHandler::remoteGetPeers(const PublicKey& key, std::chrono::milliseconds timeout) {
  return splitKeys(waitFor(RequestKind::Peers, key, timeout, nullptr));
}

std::vector<PublicKey> ProtoHandler::remoteGetTree(const PublicKey& key, std::chrono::milliseconds timeout) {
  return splitKeys(waitFor(RequestKind::Tree, key, timeout, nullptr));
}

void ProtoHandler::expireNow() {
  loop_.call([this] { dispatcher_->expire(now()); });
}

ProtoHandler::Stats ProtoHandler::stats() {
  Stats s = loop_.call([this] {
    Stats st;
    st.dispatcher = dispatcher_->counters();
    for (auto kind : {RequestKind::NodeInfo, RequestKind::Self, RequestKind::Peers, RequestKind::Tree})
      st.pending[static_cast<int>(kind)] = dispatcher_->table(kind).size();
    return st;
  });
  s.queueDrops = queueDrops_.load();
  return s;
}

std::vector<PublicKey> ProtoHandler::splitKeys(const Bytes& body) {
  std::vector<PublicKey> keys;
  for (std::size_t off = 0; off + PublicKey::size <= body.size(); off += PublicKey::size) {
    PublicKey k;
    std::copy(body.begin() + static_cast<std::ptrdiff_t>(off),
              body.begin() + static_cast<std::ptrdiff_t>(off + PublicKey::size), k.bytes.begin());
    keys.push_back(k);
  }
  return keys;
}

std::optional<std::string> ProtoHandler::nodeInfoAdminResponse(std::string_view keyHex, std::string_view nodeInfo) {
  auto info = json::tryParse(nodeInfo);
  if (!info) return std::nullopt;
  json::ObjectPtr o = json::object();
  o->set(std::string(keyHex), *info);
  return json::write(o);
}

std::optional<std::string> ProtoHandler::selfAdminResponse(const PublicKey& key, std::string_view selfJson) {
  auto self = json::tryParse(selfJson);
  if (!self) return std::nullopt;
  json::ObjectPtr o = json::object();
  o->set(formatAddress(address::addressForKey(key)), *self);
  return json::write(o);
}

std::string ProtoHandler::keysAdminResponse(const PublicKey& key, const std::vector<PublicKey>& keys) {
  json::ObjectPtr inner = json::object();
  if (!keys.empty()) {
    json::ArrayPtr list = json::array();
    for (const auto& k : keys) list->add(k.hex());
    inner->set("keys", list);
  }
  json::ObjectPtr o = json::object();
  o->set(formatAddress(address::addressForKey(key)), inner);
  return json::write(o);
}

}  // namespace rtk::core::proto
