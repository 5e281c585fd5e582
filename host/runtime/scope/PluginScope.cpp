#include "runtime/scope/PluginScope.hpp"

#include "ratatoskr/error.hpp"
#include "runtime/MetricsRegistry.hpp"
#include "runtime/NodeInfoComposer.hpp"

namespace rtk::host {

const std::vector<std::string>& PluginScope::serviceIds() {
  static const std::vector<std::string> ids{RTK_NETWORK_SERVICE_ID, RTK_PEERS_SERVICE_ID, RTK_ADMIN_SERVICE_ID,
                                            RTK_DIAGNOSTICS_SERVICE_ID, RTK_NODEINFO_SERVICE_ID, RTK_METRICS_SERVICE_ID};
  return ids;
}

PluginScope::PluginScope(std::string pluginName, std::shared_ptr<NodeInterface> node, NodeInfoComposer& nodeInfo,
                         MetricsRegistry& metrics, Log log)
    : name_(std::move(pluginName)), node_(std::move(node)), nodeInfo_(nodeInfo), metrics_(metrics), log_(std::move(log)) {
  if (!node_) throw Error(Errc::InvalidArgument, "plugin scope: no node");
  // Thread names are at most 15 characters: "rtk-cb-" and 8 of the name.
  callbacks_ = CallbackQueue::create("rtk-cb-" + name_.substr(0, 8), log_);
  fillNetworkTable(network_, this);
  fillPeersTable(peers_, this);
  fillAdminTable(admin_, this);
  fillDiagnosticsTable(diagnostics_, this);
  fillNodeInfoTable(nodeinfo_, this);
  fillMetricsTable(metrics_table_, this);
}

PluginScope::~PluginScope() {
  beforeStop();
  afterStop();
  afterUnload();
}

const void* PluginScope::table(std::string_view id) const noexcept {
  if (id == RTK_NETWORK_SERVICE_ID) return &network_;
  if (id == RTK_PEERS_SERVICE_ID) return &peers_;
  if (id == RTK_ADMIN_SERVICE_ID) return &admin_;
  if (id == RTK_DIAGNOSTICS_SERVICE_ID) return &diagnostics_;
  if (id == RTK_NODEINFO_SERVICE_ID) return &nodeinfo_;
  if (id == RTK_METRICS_SERVICE_ID) return &metrics_table_;
  return nullptr;
}

void PluginScope::beforeStop() {
  std::set<std::string> commands;
  std::map<std::uint64_t, std::uint64_t> subscriptions;
  std::set<std::uint64_t> collectors;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    commands.swap(adminCommands_);
    subscriptions.swap(subscriptions_);
    collectors.swap(collectors_);
  }
  for (auto id : collectors) metrics_.remove(id);
  for (const auto& name : commands) {
    try {
      node_->removeAdminHandler(name);
    } catch (const std::exception& e) {
      log_.warn("removing admin command \"", name, "\": ", e.what());
    }
  }
  for (const auto& [ours, nodeId] : subscriptions) node_->unsubscribePeerEvents(nodeId);
  // Events already queued for the callback thread check the subscription
  // and are dropped; wait for one that may be running right now.
  callbacks_->barrier();
  if (!commands.empty() || !subscriptions.empty() || !collectors.empty())
    log_.debug("took back ", commands.size(), " admin command(s), ", collectors.size(), " metrics collector(s) and ",
               subscriptions.size(), " peer subscription(s)");
}

void PluginScope::afterStop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  callbacks_->close();
}

void PluginScope::afterUnload() {
  std::set<ScopedHandle*> left;
  {
    std::lock_guard lock(mutex_);
    if (unloaded_) return;
    unloaded_ = true;
    left.swap(handles_);
  }
  for (ScopedHandle* h : left) {
    h->abort();
    delete h;
  }
  if (!left.empty()) log_.warn("aborted ", left.size(), " connection(s)/socket(s) the plugin left open");
  nodeInfo_.withdraw(name_);
}

PluginScope::Holdings PluginScope::holdings() const {
  std::lock_guard lock(mutex_);
  return Holdings{handles_.size(), adminCommands_.size(), subscriptions_.size(), callbacks_->pending(),
                  collectors_.size()};
}

void PluginScope::track(ScopedHandle* handle) {
  std::lock_guard lock(mutex_);
  handles_.insert(handle);
}

void PluginScope::untrack(ScopedHandle* handle) noexcept {
  std::lock_guard lock(mutex_);
  handles_.erase(handle);
}

void PluginScope::addAdminCommand(const std::string& name) {
  std::lock_guard lock(mutex_);
  adminCommands_.insert(name);
}

bool PluginScope::removeAdminCommand(const std::string& name) {
  std::lock_guard lock(mutex_);
  return adminCommands_.erase(name) > 0;
}

bool PluginScope::addCollector(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  if (stopping_) return false;
  collectors_.insert(id);
  return true;
}

bool PluginScope::removeCollector(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  return collectors_.erase(id) > 0;
}

std::uint64_t PluginScope::addSubscription(std::uint64_t nodeId) {
  std::lock_guard lock(mutex_);
  std::uint64_t id = nextSubscription_++;
  subscriptions_.emplace(id, nodeId);
  return id;
}

std::optional<std::uint64_t> PluginScope::takeSubscription(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = subscriptions_.find(id);
  if (it == subscriptions_.end()) return std::nullopt;
  std::uint64_t nodeId = it->second;
  subscriptions_.erase(it);
  return nodeId;
}

bool PluginScope::subscriptionActive(std::uint64_t id) const {
  std::lock_guard lock(mutex_);
  return subscriptions_.contains(id);
}

}  // namespace rtk::host
