#include "runtime/CoreServices.hpp"

namespace rtk::host {

CoreServices::CoreServices(std::shared_ptr<NodeInterface> node, std::string nodeInfo,
                           std::map<std::string, std::string> owners, std::shared_ptr<const Logger> logger,
                           MetricsRegistry::HostSamples hostSamples)
    : node_(node),
      logger_(std::move(logger)),
      composer_(node, std::move(nodeInfo), std::move(owners), Log(logger_, "nodeinfo")),
      metrics_(std::move(hostSamples)),
      scope_(std::make_unique<PluginScope>(kProvider, node_, composer_, metrics_, Log(logger_, "core-services"))) {}

void CoreServices::registerIn(ServiceRegistry& registry) {
  for (const auto& id : PluginScope::serviceIds()) registry.add(id, kProvider, scope_->table(id));
}

void CoreServices::unregisterFrom(ServiceRegistry& registry) { registry.removeProvider(kProvider); }

PluginManager::ScopeFactory CoreServices::scopeFactory() {
  return [this](const std::string& name) {
    return std::make_unique<PluginScope>(name, node_, composer_, metrics_, Log(logger_, name));
  };
}

}  // namespace rtk::host
