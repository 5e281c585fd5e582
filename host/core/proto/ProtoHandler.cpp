#include "core/proto/ProtoHandler.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>

#include "ratatoskr/address.hpp"
#include "core/proto/Json.hpp"
#include "core/proto/NodeInfo.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::core::proto {

ProtoHandler::ProtoHandler(Hooks hooks, Options options, Log log)
    : log_(std::move(log)),
      nodeInfo_(NodeInfo::build(options.nodeInfo, options.nodeInfoPrivacy)),
      privacy_(options.nodeInfoPrivacy),
      now_(std::move(options.now)),
      sweepInterval_(options.sweepInterval),
      inbox_(options.maxQueuedMessages),
      dispatcher_(std::make_unique<ProtoDispatcher>(std::move(hooks), nodeInfo_, options.limits, log_)),
      loop_("rtk-proto") {
  scheduleSweep();
}

ProtoHandler::~ProtoHandler() { stop(); }

void ProtoHandler::stop() {
  {
    std::lock_guard lock(queriesMutex_);
    if (!closed_.exchange(true)) loop_.post([this] { failQueries(); });
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
  auto pushed = inbox_.push(Inbound{from, std::move(message)});
  if (pushed == QueuePush::Dropped) {
    if (inbox_.dropped() % 1024 == 1)
      log_.debug("inbound queue full (", inbox_.capacity(), " messages): dropping proto messages");
    return;
  }
  if (pushed != QueuePush::QueuedFirst) return;
  loop_.post([this] {
    std::vector<Inbound> batch;
    inbox_.drainInto(batch);
    for (auto& in : batch) {
      try {
        dispatcher_->handleMessage(in.from, in.message, now());
      } catch (const std::exception& e) {
        log_.warn("from ", in.from.hex(), ": ", e.what());
      }
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

std::string ProtoHandler::nodeInfo() const {
  std::lock_guard lock(nodeInfoMutex_);
  return nodeInfo_;
}

void ProtoHandler::setNodeInfo(std::string_view userJson) {
  std::string built = NodeInfo::buildAtRunTime(userJson, privacy_);
  if (closed_.load()) throw Error(Errc::Closed, "proto: setNodeInfo: stopped");
  // On the proto thread, so the dispatcher and nodeInfo() change together
  // and concurrent calls apply in one order.
  loop_.call([&] {
    dispatcher_->setNodeInfo(built);
    std::lock_guard lock(nodeInfoMutex_);
    nodeInfo_ = built;
  });
  log_.debug("NodeInfo replaced (", built.size(), " bytes)");
}

std::string ProtoHandler::describe(const Query& q) {
  return std::string("proto: ") + requestKindName(q.kind) + " " + q.key.hex();
}

void ProtoHandler::query(RequestKind kind, const PublicKey& key, std::chrono::milliseconds timeout, BodyCallback done) {
  if (!done) throw Error(Errc::InvalidArgument, std::string("proto: ") + requestKindName(kind) + ": no callback");
  Query q{kind, key, std::move(done), Clock::now(), timeout};
  std::lock_guard lock(queriesMutex_);
  if (closed_.load()) throw Error(Errc::Closed, describe(q) + ": stopped");
  std::uint64_t id = nextQuery_++;
  loop_.post([this, id, q = std::move(q)]() mutable { startQuery(id, std::move(q)); });
}

void ProtoHandler::startQuery(std::uint64_t id, Query q) {
  const auto left = q.start + q.timeout - Clock::now();
  auto [it, inserted] = queries_.emplace(id, std::move(q));
  try {
    // Registered first: a hook may deliver the reply before request() returns.
    std::uint64_t waiter = dispatcher_->request(
        it->second.kind, it->second.key, [this, id](const Bytes& body) { answerQuery(id, body); }, now());
    it = queries_.find(id);
    if (it == queries_.end()) return;  // answered already
    it->second.waiterId = waiter;
    it->second.timer = loop_.postAfter(std::max(left, Clock::duration::zero()), [this, id] { expireQuery(id); });
  } catch (const std::exception& e) {
    it = queries_.find(id);
    if (it == queries_.end()) return;
    Query failed = std::move(it->second);
    queries_.erase(it);
    const auto* error = dynamic_cast<const Error*>(&e);
    Outcome<Bytes> out;
    out.error = Error(error ? error->code() : Errc::Unknown, describe(failed) + ": " + e.what());
    try {
      failed.done(std::move(out), {});
    } catch (const std::exception& ce) {
      log_.warn(describe(failed), ": callback threw: ", ce.what());
    }
  }
}

void ProtoHandler::answerQuery(std::uint64_t id, const Bytes& body) {
  auto it = queries_.find(id);
  if (it == queries_.end()) return;
  Query q = std::move(it->second);
  queries_.erase(it);
  if (q.timer) loop_.cancel(q.timer);
  auto rtt = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - q.start);
  Outcome<Bytes> out;
  out.value = body;
  try {
    q.done(std::move(out), rtt);
  } catch (const std::exception& e) {
    log_.warn(describe(q), ": callback threw: ", e.what());
  }
}

void ProtoHandler::expireQuery(std::uint64_t id) {
  auto it = queries_.find(id);
  if (it == queries_.end()) return;
  Query q = std::move(it->second);
  queries_.erase(it);
  if (q.waiterId) dispatcher_->removeWaiter(q.kind, q.key, q.waiterId);
  Outcome<Bytes> out;
  out.error = Error(Errc::Timeout, describe(q) + ": no reply within " + std::to_string(q.timeout.count()) + " ms");
  try {
    q.done(std::move(out), {});
  } catch (const std::exception& e) {
    log_.warn(describe(q), ": callback threw: ", e.what());
  }
}

void ProtoHandler::failQueries() {
  auto all = std::move(queries_);
  queries_.clear();
  for (auto& [id, q] : all) {
    if (q.timer) loop_.cancel(q.timer);
    if (q.waiterId) dispatcher_->removeWaiter(q.kind, q.key, q.waiterId);
    Outcome<Bytes> out;
    out.error = Error(Errc::Closed, describe(q) + ": stopped");
    try {
      q.done(std::move(out), {});
    } catch (const std::exception& e) {
      log_.warn(describe(q), ": callback threw: ", e.what());
    }
  }
}

void ProtoHandler::queryRemote(RemoteQuery what, const PublicKey& key, std::chrono::milliseconds timeout,
                               DiagnosticInterface::RemoteCallback done) {
  if (!done) throw Error(Errc::InvalidArgument, "proto: queryRemote: no callback");
  RequestKind kind = RequestKind::NodeInfo;
  switch (what) {
    case RemoteQuery::NodeInfo: kind = RequestKind::NodeInfo; break;
    case RemoteQuery::Self: kind = RequestKind::Self; break;
    case RemoteQuery::Peers: kind = RequestKind::Peers; break;
    case RemoteQuery::Tree: kind = RequestKind::Tree; break;
  }
  query(kind, key, timeout, [kind, done = std::move(done)](Outcome<Bytes> body, std::chrono::nanoseconds rtt) {
    Outcome<RemoteReply> out;
    out.error = std::move(body.error);
    if (out.ok()) {
      if (kind == RequestKind::Peers || kind == RequestKind::Tree)
        out.value.json = keysJson(body.value);
      else
        out.value.json.assign(body.value.begin(), body.value.end());
      out.value.rtt = rtt;
    }
    done(std::move(out));
  });
}

Bytes ProtoHandler::waitFor(RequestKind kind, const PublicKey& key, std::chrono::milliseconds timeout,
                            std::chrono::nanoseconds* rtt) {
  if (loop_.inLoopThread())
    throw Error(Errc::InvalidArgument,
                std::string("proto: ") + requestKindName(kind) + " " + key.hex() + ": blocking call on the proto thread");
  struct Result {
    std::mutex mutex;
    std::condition_variable cv;
    std::optional<Outcome<Bytes>> outcome;
    std::chrono::nanoseconds rtt{0};
  };
  auto result = std::make_shared<Result>();
  const auto deadline = Clock::now() + timeout;
  query(kind, key, timeout, [result](Outcome<Bytes> body, std::chrono::nanoseconds took) {
    std::lock_guard lock(result->mutex);
    result->outcome = std::move(body);
    result->rtt = took;
    result->cv.notify_all();
  });
  // query() calls back exactly once: with the reply, at the deadline, or at
  // stop(). The wait still ends at the deadline when the proto thread is
  // busy; the late callback then finds nobody waiting.
  std::unique_lock lock(result->mutex);
  if (!result->cv.wait_until(lock, deadline, [&] { return result->outcome.has_value(); }))
    throw Error(Errc::Timeout, std::string("proto: ") + requestKindName(kind) + " " + key.hex() + ": no reply within " +
                                   std::to_string(timeout.count()) + " ms");
  if (result->outcome->error) throw *result->outcome->error;
  if (rtt) *rtt = result->rtt;
  return std::move(result->outcome->value);
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
    st.queries = queries_.size();
    return st;
  });
  s.queueDrops = inbox_.dropped();
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

std::string ProtoHandler::keysJson(const Bytes& body) {
  json::ArrayPtr list = json::array();
  for (const auto& k : splitKeys(body)) list->add(k.hex());
  return json::write(list);
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
