// The diagnostics service table of one plugin scope
// (services/diagnostics.h). query_async rides on the node's asynchronous
// queryRemote: no thread per request; the reply is handed to the plugin's
// callback thread.
#include <cstring>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/services/nodejson.hpp"
#include "runtime/scope/PluginScope.hpp"

namespace rtk::host {

using sdk::guard;
using sdk::writeSink;

namespace {

PluginScope& scopeOf(rtk_diagnostics* d) noexcept { return *reinterpret_cast<PluginScope*>(d); }

PublicKey keyFrom(const std::uint8_t* bytes) {
  if (!bytes) throw Error(Errc::InvalidArgument, "diagnostics: no key");
  PublicKey k;
  std::memcpy(k.bytes.data(), bytes, k.bytes.size());
  return k;
}

RemoteQuery queryOf(rtk_query_kind kind) {
  switch (kind) {
    case RTK_QUERY_NODEINFO: return RemoteQuery::NodeInfo;
    case RTK_QUERY_SELF: return RemoteQuery::Self;
    case RTK_QUERY_PEERS: return RemoteQuery::Peers;
    case RTK_QUERY_TREE: return RemoteQuery::Tree;
    default: throw Error(Errc::InvalidArgument, "diagnostics: unknown query kind " + std::to_string(kind));
  }
}

struct DiagnosticsCalls {
  static rtk_status getSelf(rtk_diagnostics* d, rtk_sink* json, rtk_sink* error) noexcept {
    return guard(error, [&] { writeSink(json, sdk::nodejson::encode(scopeOf(d).node().getSelf()).dump()); });
  }
  static rtk_status getTree(rtk_diagnostics* d, rtk_sink* json, rtk_sink* error) noexcept {
    return guard(error, [&] { writeSink(json, sdk::nodejson::encodeList(scopeOf(d).node().getTree())); });
  }
  static rtk_status getPaths(rtk_diagnostics* d, rtk_sink* json, rtk_sink* error) noexcept {
    return guard(error, [&] { writeSink(json, sdk::nodejson::encodeList(scopeOf(d).node().getPaths())); });
  }
  static rtk_status getSessions(rtk_diagnostics* d, rtk_sink* json, rtk_sink* error) noexcept {
    return guard(error, [&] { writeSink(json, sdk::nodejson::encodeList(scopeOf(d).node().getSessions())); });
  }
  static rtk_status lookup(rtk_diagnostics* d, const std::uint8_t key[32], rtk_sink* error) noexcept {
    return guard(error, [&] { scopeOf(d).node().sendLookup(keyFrom(key)); });
  }
  static rtk_status query(rtk_diagnostics* d, rtk_query_kind kind, const std::uint8_t key[32], std::uint64_t timeoutMs,
                          rtk_sink* json, std::int64_t* rttNs, rtk_sink* error) noexcept {
    return guard(error, [&] {
      NodeInterface& node = scopeOf(d).node();
      auto k = keyFrom(key);
      auto timeout = std::chrono::milliseconds(timeoutMs);
      if (rttNs) *rttNs = 0;
      switch (queryOf(kind)) {
        case RemoteQuery::NodeInfo: {
          auto reply = node.getNodeInfo(k, timeout);
          if (rttNs) *rttNs = static_cast<std::int64_t>(reply.rtt.count());
          writeSink(json, reply.json);
          break;
        }
        case RemoteQuery::Self: writeSink(json, node.remoteGetSelf(k, timeout)); break;
        case RemoteQuery::Peers: writeSink(json, sdk::nodejson::encodeList(node.remoteGetPeers(k, timeout))); break;
        case RemoteQuery::Tree: writeSink(json, sdk::nodejson::encodeList(node.remoteGetTree(k, timeout))); break;
      }
    });
  }
  static rtk_status queryAsync(rtk_diagnostics* d, rtk_query_kind kind, const std::uint8_t key[32],
                               std::uint64_t timeoutMs, rtk_reply_fn done, void* ctx, rtk_sink* error) noexcept {
    PluginScope& scope = scopeOf(d);
    return scope.callbacks()->startReply(done, ctx, error, [&](CallbackQueue::Reply reply) {
      scope.node().queryRemote(queryOf(kind), keyFrom(key), std::chrono::milliseconds(timeoutMs),
                               [reply](Outcome<RemoteReply> r) {
                                 if (!r.ok()) return reply.fail(*r.error);
                                 reply.ok(std::move(r.value.json), static_cast<std::int64_t>(r.value.rtt.count()));
                               });
    });
  }
};

}  // namespace

void fillDiagnosticsTable(rtk_diagnostics_service& t, PluginScope* scope) {
  t.struct_size = sizeof(rtk_diagnostics_service);
  t.diag = reinterpret_cast<rtk_diagnostics*>(scope);
  t.get_self = &DiagnosticsCalls::getSelf;
  t.get_tree = &DiagnosticsCalls::getTree;
  t.get_paths = &DiagnosticsCalls::getPaths;
  t.get_sessions = &DiagnosticsCalls::getSessions;
  t.lookup = &DiagnosticsCalls::lookup;
  t.query = &DiagnosticsCalls::query;
  t.query_async = &DiagnosticsCalls::queryAsync;
}

}  // namespace rtk::host
