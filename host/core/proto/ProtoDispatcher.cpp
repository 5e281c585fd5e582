#include "core/proto/ProtoDispatcher.hpp"

#include <exception>

#include "core/proto/Json.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::proto {

ProtoDispatcher::ProtoDispatcher(Hooks hooks, std::string nodeInfo, Limits limits, Log log)
    : hooks_(std::move(hooks)),
      nodeInfo_(std::move(nodeInfo)),
      log_(std::move(log)),
      nodeInfoRequests_(limits.maxPendingKeys, limits.maxWaitersPerKey, limits.expiry),
      selfRequests_(limits.maxPendingKeys, limits.maxWaitersPerKey, limits.expiry),
      peersRequests_(limits.maxPendingKeys, limits.maxWaitersPerKey, limits.expiry),
      treeRequests_(limits.maxPendingKeys, limits.maxWaitersPerKey, limits.expiry) {
  if (!hooks_.send || !hooks_.getSelf || !hooks_.getPeerKeys || !hooks_.getTreeKeys || !hooks_.mtu)
    throw Error(Errc::InvalidArgument, "proto: every hook (send, getSelf, getPeerKeys, getTreeKeys, mtu) is required");
}

RequestTable& ProtoDispatcher::tableFor(RequestKind kind) {
  switch (kind) {
    case RequestKind::NodeInfo: return nodeInfoRequests_;
    case RequestKind::Self: return selfRequests_;
    case RequestKind::Peers: return peersRequests_;
    case RequestKind::Tree: return treeRequests_;
  }
  return nodeInfoRequests_;
}

const RequestTable& ProtoDispatcher::table(RequestKind kind) const {
  return const_cast<ProtoDispatcher*>(this)->tableFor(kind);
}

void ProtoDispatcher::send(const PublicKey& dest, std::initializer_list<std::uint8_t> header, ByteView body) {
  Bytes msg;
  msg.reserve(header.size() + body.size());
  msg.insert(msg.end(), header.begin(), header.end());
  msg.insert(msg.end(), body.begin(), body.end());
  hooks_.send(dest, std::move(msg));
}

void ProtoDispatcher::drop(const PublicKey& from, const char* why) {
  ++counters_.dropped;
  log_.trace("from ", from.hex(), ": dropped: ", why);
}

std::string ProtoDispatcher::selfReplyBody(const SelfInfo& self) {
  // Both members are strings on the wire, as core/proto.go writes them.
  json::ObjectPtr o = json::object();
  o->set("key", self.key.hex());
  o->set("routing_entries", std::to_string(self.routingEntries));
  return json::write(o);
}

Bytes ProtoDispatcher::keysReplyBody(const std::vector<PublicKey>& keys, std::uint64_t mtu) {
  constexpr std::uint64_t kOverhead = 2;  // debug type + reply type, as counted in core/proto.go
  Bytes out;
  for (const auto& k : keys) {
    if (out.size() + PublicKey::size + kOverhead > mtu) break;
    out.insert(out.end(), k.bytes.begin(), k.bytes.end());
  }
  return out;
}

std::uint64_t ProtoDispatcher::request(RequestKind kind, const PublicKey& key, RequestTable::Callback callback,
                                       Clock::time_point now) {
  std::uint64_t id = tableFor(kind).add(key, std::move(callback), now);
  switch (kind) {
    case RequestKind::NodeInfo: send(key, {kSessionProto, kProtoNodeInfoRequest}, {}); break;
    case RequestKind::Self: send(key, {kSessionProto, kProtoDebug, kDebugGetSelfRequest}, {}); break;
    case RequestKind::Peers: send(key, {kSessionProto, kProtoDebug, kDebugGetPeersRequest}, {}); break;
    case RequestKind::Tree: send(key, {kSessionProto, kProtoDebug, kDebugGetTreeRequest}, {}); break;
  }
  return id;
}

void ProtoDispatcher::removeWaiter(RequestKind kind, const PublicKey& key, std::uint64_t id) {
  tableFor(kind).removeWaiter(key, id);
}

void ProtoDispatcher::expire(Clock::time_point now) {
  for (auto kind : {RequestKind::NodeInfo, RequestKind::Self, RequestKind::Peers, RequestKind::Tree})
    tableFor(kind).expire(now);
}

void ProtoDispatcher::clear() {
  for (auto kind : {RequestKind::NodeInfo, RequestKind::Self, RequestKind::Peers, RequestKind::Tree})
    tableFor(kind).clear();
}

void ProtoDispatcher::answer(RequestKind kind, const PublicKey& from, ByteView body, Clock::time_point now) {
  auto& table = tableFor(kind);
  if (!table.pending(from, now)) {
    table.complete(from, now);  // forget an expired entry
    drop(from, "reply to no pending request");
    return;
  }
  Bytes payload;
  if (kind == RequestKind::Peers || kind == RequestKind::Tree) {
    std::size_t whole = body.size() / PublicKey::size * PublicKey::size;
    payload.assign(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(whole));
  } else {
    std::string_view text(reinterpret_cast<const char*>(body.data()), body.size());
    if (!json::tryParse(text)) {
      // Keep the request pending: a later valid reply may still answer it.
      drop(from, "reply is not valid JSON");
      return;
    }
    payload.assign(body.begin(), body.end());
  }
  auto callbacks = table.complete(from, now);
  ++counters_.repliesMatched;
  for (auto& cb : callbacks) {
    try {
      if (cb) cb(payload);
    } catch (const std::exception& e) {
      log_.warn("reply callback for ", from.hex(), " threw: ", e.what());
    }
  }
}

void ProtoDispatcher::handleMessage(const PublicKey& from, ByteView message, Clock::time_point now) {
  ++counters_.received;
  if (message.size() < 2 || message[0] != kSessionProto) return drop(from, "not a proto message");
  ByteView body = message.subspan(2);
  try {
    switch (message[1]) {
      case kProtoDummy:
        return;
      case kProtoNodeInfoRequest: {
        ++counters_.requestsAnswered;
        const auto* p = reinterpret_cast<const std::uint8_t*>(nodeInfo_.data());
        send(from, {kSessionProto, kProtoNodeInfoResponse}, ByteView(p, nodeInfo_.size()));
        return;
      }
      case kProtoNodeInfoResponse:
        return answer(RequestKind::NodeInfo, from, body, now);
      case kProtoDebug:
        break;
      default:
        return drop(from, "unknown proto type");
    }
    if (body.empty()) return drop(from, "empty debug message");
    ByteView rest = body.subspan(1);
    switch (body[0]) {
      case kDebugDummy:
        return;
      case kDebugGetSelfRequest: {
        ++counters_.requestsAnswered;
        std::string json = selfReplyBody(hooks_.getSelf());
        const auto* p = reinterpret_cast<const std::uint8_t*>(json.data());
        send(from, {kSessionProto, kProtoDebug, kDebugGetSelfResponse}, ByteView(p, json.size()));
        return;
      }
      case kDebugGetSelfResponse:
        return answer(RequestKind::Self, from, rest, now);
      case kDebugGetPeersRequest: {
        ++counters_.requestsAnswered;
        Bytes keys = keysReplyBody(hooks_.getPeerKeys(), hooks_.mtu());
        send(from, {kSessionProto, kProtoDebug, kDebugGetPeersResponse}, keys);
        return;
      }
      case kDebugGetPeersResponse:
        return answer(RequestKind::Peers, from, rest, now);
      case kDebugGetTreeRequest: {
        ++counters_.requestsAnswered;
        Bytes keys = keysReplyBody(hooks_.getTreeKeys(), hooks_.mtu());
        send(from, {kSessionProto, kProtoDebug, kDebugGetTreeResponse}, keys);
        return;
      }
      case kDebugGetTreeResponse:
        return answer(RequestKind::Tree, from, rest, now);
      default:
        return drop(from, "unknown debug type");
    }
  } catch (const std::exception& e) {
    ++counters_.dropped;
    log_.debug("from ", from.hex(), ": message dropped: ", e.what());
  }
}

}  // namespace rtk::core::proto
