// rtk::host::CoreServices — the host's six services as the registry offers
// them: the node's network, peers, admin, diagnostics and nodeinfo, and the
// host's metrics (the C tables of sdk/include/ratatoskr/services/*.h),
// registered under the provider "core".
//
// The registered tables belong to the "core" scope; each component plugin
// is handed its own PluginScope instead (scopeFactory()), so the host knows
// what every plugin holds. Owns the NodeInfoComposer and the MetricsRegistry
// they share.
//
// Lifetime: create once the node exists; unregister() before the node
// closes; destroy after every plugin scope is gone.
// Thread-safety: construction and (un)registration on the lifecycle thread;
// the tables as their headers say.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "ratatoskr/log.hpp"
#include "ratatoskr/node_interface.hpp"
#include "runtime/MetricsRegistry.hpp"
#include "runtime/NodeInfoComposer.hpp"
#include "runtime/PluginManager.hpp"
#include "runtime/ServiceRegistry.hpp"
#include "runtime/scope/PluginScope.hpp"

namespace rtk::host {

class CoreServices {
 public:
  static constexpr const char* kProvider = "core";

  // nodeInfo / owners: what the node was created with (SigilAssembly).
  // hostSamples: what the host itself writes first on every metrics collect.
  CoreServices(std::shared_ptr<NodeInterface> node, std::string nodeInfo, std::map<std::string, std::string> owners,
               std::shared_ptr<const Logger> logger, MetricsRegistry::HostSamples hostSamples = {});

  void registerIn(ServiceRegistry& registry);
  void unregisterFrom(ServiceRegistry& registry);
  PluginManager::ScopeFactory scopeFactory();
  NodeInfoComposer& nodeInfo() noexcept { return composer_; }
  MetricsRegistry& metrics() noexcept { return metrics_; }

 private:
  std::shared_ptr<NodeInterface> node_;
  std::shared_ptr<const Logger> logger_;
  NodeInfoComposer composer_;
  MetricsRegistry metrics_;
  std::unique_ptr<PluginScope> scope_;
};

}  // namespace rtk::host
