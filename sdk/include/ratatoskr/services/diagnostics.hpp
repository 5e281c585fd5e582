// rtk::sdk::DiagnosticsClient — the diagnostics service table
// (services/diagnostics.h) as an rtk::DiagnosticInterface.
//
//   auto diag = rtk::sdk::DiagnosticsClient::fromHost(host);
//   for (auto& t : diag->getTree()) ...;
//   diag->queryRemote(rtk::RemoteQuery::Peers, key, 5s, [](rtk::Outcome<rtk::RemoteReply> r) { ... });
//
// queryRemote's callback runs on this plugin's callback thread
// ("rtk-cb-<plugin>"), not on a node thread: it may take its time (it delays
// only this plugin's other callbacks) and may call the node, even blocking.
// Errors: rtk::Error with the provider's Errc and message. Thread-safety:
// as DiagnosticInterface. Header-only.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/node_interface.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/diagnostics.h"
#include "ratatoskr/services/nodejson.hpp"
#include "ratatoskr/services/reply.hpp"

namespace rtk::sdk {

constexpr rtk_query_kind toQueryKind(RemoteQuery q) noexcept {
  switch (q) {
    case RemoteQuery::NodeInfo: return RTK_QUERY_NODEINFO;
    case RemoteQuery::Self: return RTK_QUERY_SELF;
    case RemoteQuery::Peers: return RTK_QUERY_PEERS;
    case RemoteQuery::Tree: return RTK_QUERY_TREE;
  }
  return 0;
}

class DiagnosticsClient final : public DiagnosticInterface {
 public:
  DiagnosticsClient(const rtk_diagnostics_service& table, Log log) : t_(&table), log_(std::move(log)) {
    if (table.struct_size < RTK_DIAGNOSTICS_SERVICE_SIZE_1_0) {
      throw Error(Errc::Abi, "diagnostics service: table is " + std::to_string(table.struct_size) +
                                 " bytes, need at least " + std::to_string(RTK_DIAGNOSTICS_SERVICE_SIZE_1_0));
    }
  }
  static std::unique_ptr<DiagnosticsClient> fromHost(const Host& host) {
    return std::make_unique<DiagnosticsClient>(
        host.requireService<rtk_diagnostics_service>(RTK_DIAGNOSTICS_SERVICE_ID,
                                                     static_cast<std::uint32_t>(RTK_DIAGNOSTICS_SERVICE_SIZE_1_0)),
        host.log());
  }

  SelfInfo getSelf() const override { return nodejson::decodeSelf(json::Value::parse(fetch(t_->get_self, "getSelf"))); }
  std::vector<TreeEntry> getTree() const override {
    return nodejson::decodeList<TreeEntry>(fetch(t_->get_tree, "getTree"), nodejson::decodeTree);
  }
  std::vector<PathEntry> getPaths() const override {
    return nodejson::decodeList<PathEntry>(fetch(t_->get_paths, "getPaths"), nodejson::decodePath);
  }
  std::vector<SessionEntry> getSessions() const override {
    return nodejson::decodeList<SessionEntry>(fetch(t_->get_sessions, "getSessions"), nodejson::decodeSession);
  }
  void sendLookup(const PublicKey& key) override {
    StringSink err;
    check(t_->lookup(t_->diag, key.bytes.data(), err.get()), err, "sendLookup");
  }

  NodeInfoReply getNodeInfo(const PublicKey& key, std::chrono::milliseconds timeout) override {
    auto reply = query(RemoteQuery::NodeInfo, key, timeout, "getNodeInfo");
    return NodeInfoReply{std::move(reply.json), reply.rtt};
  }
  std::string remoteGetSelf(const PublicKey& key, std::chrono::milliseconds timeout) override {
    return query(RemoteQuery::Self, key, timeout, "remoteGetSelf").json;
  }
  std::vector<PublicKey> remoteGetPeers(const PublicKey& key, std::chrono::milliseconds timeout) override {
    return nodejson::decodeKeys(query(RemoteQuery::Peers, key, timeout, "remoteGetPeers").json);
  }
  std::vector<PublicKey> remoteGetTree(const PublicKey& key, std::chrono::milliseconds timeout) override {
    return nodejson::decodeKeys(query(RemoteQuery::Tree, key, timeout, "remoteGetTree").json);
  }

  void queryRemote(RemoteQuery kind, const PublicKey& key, std::chrono::milliseconds timeout,
                   RemoteCallback done) override {
    auto callback = [done = std::move(done)](const RawReply& r) {
      Outcome<RemoteReply> out;
      if (r.status != RTK_OK) {
        out.error = r.toError("queryRemote");
      } else {
        out.value.json = std::string(r.json);
        out.value.rtt = r.rtt;
      }
      done(std::move(out));
    };
    ReplyBox::start(std::move(callback), log_, "queryRemote", [&](void* ctx, rtk_reply_fn fn, rtk_sink* err) {
      return t_->query_async(t_->diag, toQueryKind(kind), key.bytes.data(), timeoutMs(timeout), fn, ctx, err);
    });
  }

 private:
  using JsonGetter = rtk_status (*)(rtk_diagnostics*, rtk_sink*, rtk_sink*);

  static std::uint64_t timeoutMs(std::chrono::milliseconds timeout) {
    return timeout.count() < 0 ? 0 : static_cast<std::uint64_t>(timeout.count());
  }
  std::string fetch(JsonGetter fn, const char* what) const {
    StringSink json, err;
    check(fn(t_->diag, json.get(), err.get()), err, what);
    return json.take();
  }
  RemoteReply query(RemoteQuery kind, const PublicKey& key, std::chrono::milliseconds timeout, const char* what) {
    StringSink json, err;
    std::int64_t rttNs = 0;
    check(t_->query(t_->diag, toQueryKind(kind), key.bytes.data(), timeoutMs(timeout), json.get(), &rttNs, err.get()),
          err, what);
    return RemoteReply{json.take(), std::chrono::nanoseconds(rttNs)};
  }

  const rtk_diagnostics_service* t_;
  Log log_;
};

}  // namespace rtk::sdk
