// rtk::host::PluginScope — one plugin's view of the node's services, and
// everything it holds through them.
//
// Each component plugin gets its own copies of the six core service tables
// (services/network.h, peers.h, admin.h, diagnostics.h, nodeinfo.h, metrics.h) whose
// context is its scope, so the host knows who opened which connection,
// registered which admin command or metrics collector, subscribed to what
// and published which NodeInfo keys. When the plugin stops, the scope takes all of it back in
// the order abi.h promises ("What the host takes back"):
//   beforeStop()   admin commands and metrics collectors removed, peer
//                  subscriptions cancelled
//   (the plugin's stop() runs; asynchronous replies still arrive)
//   afterStop()    replies still pending are delivered as RTK_ERR_CANCELLED,
//                  the callback thread drains and is joined
//   (the plugin's unload() runs)
//   afterUnload()  connections, listeners, sockets left are aborted and
//                  freed; NodeInfo keys withdrawn
//
// Callbacks into the plugin (async replies, peer events) run on the scope's
// own thread "rtk-cb-<name>", started on first use, never on a node thread.
//
// Thread-safety: the tables' functions from any thread (as the headers say);
// the lifecycle steps from the host's lifecycle thread, in the order above.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/log.hpp"
#include "ratatoskr/node_interface.hpp"
#include "ratatoskr/services/admin.h"
#include "ratatoskr/services/diagnostics.h"
#include "ratatoskr/services/metrics.h"
#include "ratatoskr/services/network.h"
#include "ratatoskr/services/nodeinfo.h"
#include "ratatoskr/services/peers.h"
#include "runtime/scope/CallbackQueue.hpp"

namespace rtk::host {

class NodeInfoComposer;
class MetricsRegistry;

// A connection, listener or datagram socket a plugin holds.
class ScopedHandle {
 public:
  virtual ~ScopedHandle() = default;
  // Ends it at once (the host is taking it back).
  virtual void abort() noexcept = 0;
};

class PluginScope {
 public:
  // The ids of the services a scope serves, in the order registered.
  static const std::vector<std::string>& serviceIds();

  PluginScope(std::string pluginName, std::shared_ptr<NodeInterface> node, NodeInfoComposer& nodeInfo,
              MetricsRegistry& metrics, Log log);
  ~PluginScope();  // every step not taken yet
  PluginScope(const PluginScope&) = delete;
  PluginScope& operator=(const PluginScope&) = delete;

  // This scope's table for a core service id, or nullptr for other ids.
  const void* table(std::string_view id) const noexcept;

  void beforeStop();
  void afterStop();
  void afterUnload();

  // What the scope holds now (for listPlugins and tests).
  struct Holdings {
    std::size_t handles = 0, adminCommands = 0, subscriptions = 0, pendingReplies = 0, collectors = 0;
  };
  Holdings holdings() const;

  // ---- for the table implementations (scope/*.cpp) ----
  const std::string& pluginName() const noexcept { return name_; }
  NodeInterface& node() const noexcept { return *node_; }
  const Log& log() const noexcept { return log_; }
  NodeInfoComposer& nodeInfo() const noexcept { return nodeInfo_; }
  MetricsRegistry& metrics() const noexcept { return metrics_; }
  const std::shared_ptr<CallbackQueue>& callbacks() const noexcept { return callbacks_; }

  void track(ScopedHandle* handle);
  void untrack(ScopedHandle* handle) noexcept;

  // Admin commands: the node-side name is remembered so it can be removed.
  void addAdminCommand(const std::string& name);
  bool removeAdminCommand(const std::string& name);  // false: not this plugin's

  // Metrics collectors (ids of the MetricsRegistry).
  bool addCollector(std::uint64_t id);  // false: the plugin is stopping (not kept)
  bool removeCollector(std::uint64_t id);  // false: not this plugin's

  // Peer subscriptions: the node's id for each of ours.
  std::uint64_t addSubscription(std::uint64_t nodeId);
  std::optional<std::uint64_t> takeSubscription(std::uint64_t id);
  bool subscriptionActive(std::uint64_t id) const;

 private:
  std::string name_;
  std::shared_ptr<NodeInterface> node_;
  NodeInfoComposer& nodeInfo_;
  MetricsRegistry& metrics_;
  Log log_;
  std::shared_ptr<CallbackQueue> callbacks_;

  mutable std::mutex mutex_;
  std::set<ScopedHandle*> handles_;
  std::set<std::string> adminCommands_;
  std::set<std::uint64_t> collectors_;
  std::map<std::uint64_t, std::uint64_t> subscriptions_;  // ours → the node's
  std::uint64_t nextSubscription_ = 1;
  bool stopping_ = false, stopped_ = false, unloaded_ = false;

  rtk_network_service network_{};
  rtk_peers_service peers_{};
  rtk_admin_service admin_{};
  rtk_diagnostics_service diagnostics_{};
  rtk_nodeinfo_service nodeinfo_{};
  rtk_metrics_service metrics_table_{};
};

// The table fillers, one per service (scope/<Service>Table.cpp).
void fillNetworkTable(rtk_network_service& t, PluginScope* scope);
void fillPeersTable(rtk_peers_service& t, PluginScope* scope);
void fillAdminTable(rtk_admin_service& t, PluginScope* scope);
void fillDiagnosticsTable(rtk_diagnostics_service& t, PluginScope* scope);
void fillNodeInfoTable(rtk_nodeinfo_service& t, PluginScope* scope);
void fillMetricsTable(rtk_metrics_service& t, PluginScope* scope);

}  // namespace rtk::host
