#include "runtime/HostRuntime.hpp"

#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"
#include "ratatoskr/sigil.h"
#include "runtime/SigilAssembler.hpp"

namespace rtk::host {

std::string HostRuntime::installedPluginDirectory() { return RTK_INSTALLED_PLUGIN_DIR; }

const std::vector<std::string>& HostRuntime::coreServices() { return PluginScope::serviceIds(); }

HostRuntime::HostRuntime(HostConfig config, std::shared_ptr<const Logger> logger, NodeFactory factory, std::string hostVersion,
                         NodeInfoPreview preview)
    : config_(std::move(config)),
      logger_(std::move(logger)),
      factory_(std::move(factory)),
      hostVersion_(std::move(hostVersion)),
      preview_(std::move(preview)),
      plugins_(std::make_unique<PluginManager>(registry_, Log(logger_, "plugins"), hostVersion_)),
      metrics_(std::make_unique<HostMetrics>(*plugins_, lifecycle_, hostVersion_)) {
  if (!factory_) throw Error(Errc::InvalidArgument, "host: no node factory");
}

HostRuntime::~HostRuntime() {
  stopComponents();
  stopNode();
  stopPlugins();
}

void HostRuntime::startPlugins() {
  Log log(logger_, "plugins");
  if (config_.plugins.directories.empty()) {
    log.info("no plugin directories configured");
  } else {
    std::string dirs;
    for (const auto& d : config_.plugins.directories) dirs += (dirs.empty() ? "" : ", ") + d;
    log.info("scanning ", dirs);
  }
  plugins_->discover(config_.plugins.directories);
  std::string origin = config_.sourcePath.empty() ? std::string("built-in defaults") : config_.sourcePath;
  std::map<std::string, std::string> core;
  for (const auto& id : coreServices()) core[id] = kCoreProvider;
  plugins_->select(config_.plugins.enabled, config_.modules, core, origin);
  plugins_->load(RTK_PLUGIN_SIGIL);
  plugins_->start(RTK_PLUGIN_SIGIL);
}

void HostRuntime::startNode() {
  Log log(logger_, "node");
  std::vector<SigilSource> sources;
  for (Plugin* p : plugins_->inState(PluginState::Started, RTK_PLUGIN_SIGIL)) {
    for (const auto& entry : registry_.findAll(RTK_SIGIL_SERVICE_ID))
      if (entry.provider == p->name()) sources.push_back(SigilSource{p->name(), static_cast<const rtk_sigil_service*>(entry.table)});
  }
  SigilAssembler::Options options;
  options.baseNodeInfo = config_.node.nodeInfo;
  options.baseOrigin = config_.sourcePath.empty() ? std::string("the built-in defaults") : config_.sourcePath;
  options.hostVersion = hostVersion_;
  options.budgetBytes = RTK_NODEINFO_MAX_BYTES;
  if (preview_) {
    options.published = [this](const std::string& text) { return preview_(text, config_.node.nodeInfoPrivacy); };
  }
  auto assembly = SigilAssembler::assemble(sources, options);
  // Each refusal is an error line naming the sigil and why (PluginManager::fail).
  for (const auto& [plugin, reason] : assembly.refused) {
    if (Plugin* p = plugins_->find(plugin)) plugins_->fail(*p, p->path() + ": " + reason);
  }
  for (const auto& warning : assembly.warnings) log.warn(warning);
  auto listed = [](const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
  };
  if (!sources.empty()) {
    log.info("NodeInfo: ", assembly.publishedBytes, " of ", RTK_NODEINFO_MAX_BYTES, " bytes as published; sigils: ",
             assembly.published.empty() ? std::string("none") : listed(assembly.published),
             assembly.parseOnly.empty() ? std::string() : "; parse-only: " + listed(assembly.parseOnly),
             assembly.refused.empty() ? std::string() : "; " + std::to_string(assembly.refused.size()) + " refused (reasons above)");
  }
  nodeInfo_ = assembly.nodeInfo;
  nodeInfoOwners_ = assembly.owners;

  NodeConfig nodeConfig = config_.node;
  nodeConfig.nodeInfo = nodeInfo_;
  instance_ = factory_(nodeConfig, log);
  if (!instance_.node) throw Error(Errc::Unknown, "node: the node factory returned no node");
  nodeRunning_ = true;
  log.info("created ", instance_.description);
  log.info("address ", formatAddress(instance_.node->address()));
  log.info("subnet ", formatAddress(instance_.node->subnet()), "/64");
  log.info("public key ", instance_.node->publicKey().hex());
  for (const auto& part : instance_.notRunning) log.warn("not running: ", part);

  metrics_->nodeStarted(instance_.counters);
  coreServices_ = std::make_unique<CoreServices>(instance_.node, nodeInfo_, nodeInfoOwners_, logger_,
                                                 [m = metrics_.get()](const rtk_metric_sink& out) { m->write(out); });
  coreServices_->registerIn(registry_);
  std::string ids;
  for (const auto& id : coreServices()) ids += (ids.empty() ? "" : ", ") + id;
  log.info("registered services ", ids);
  plugins_->setScopeFactory(coreServices_->scopeFactory());
}

void HostRuntime::startComponents() {
  std::lock_guard lock(lifecycle_);
  plugins_->load(RTK_PLUGIN_COMPONENT);
  plugins_->start(RTK_PLUGIN_COMPONENT);
  if (instance_.node) {
    std::string origin = config_.sourcePath.empty() ? std::string("built-in defaults") : config_.sourcePath;
    adminCommands_ = std::make_unique<PluginAdminCommands>(
        *instance_.node, PluginAdminCommands::Context{*plugins_, lifecycle_, plugins_->directories(), config_.modules, origin,
                                                      Log(logger_, "plugins")});
  }
  std::size_t running = plugins_->inState(PluginState::Started, RTK_PLUGIN_COMPONENT).size() +
                        plugins_->inState(PluginState::Started, RTK_PLUGIN_SIGIL).size();
  auto problems = this->problems();
  Log clog(logger_, "components");
  if (problems.empty()) {
    clog.info(running, " plugin(s) running");
  } else {
    clog.info(running, " plugin(s) running, ", problems.size(), " not running (reasons above)");
  }
}

void HostRuntime::stopComponents() {
  adminCommands_.reset();  // waits for a command in progress; none can start after
  std::lock_guard lock(lifecycle_);
  plugins_->stop(RTK_PLUGIN_COMPONENT);
  plugins_->unload(RTK_PLUGIN_COMPONENT);
}

void HostRuntime::stopNode() {
  if (!nodeRunning_) return;
  nodeRunning_ = false;
  Log log(logger_, "node");
  if (coreServices_) coreServices_->unregisterFrom(registry_);
  metrics_->nodeStopped();
  log.info("closing the node");
  try {
    instance_.node->close();
  } catch (const std::exception& e) {
    log.error("close: ", e.what());
  }
}

void HostRuntime::stopPlugins() {
  plugins_->stop(RTK_PLUGIN_SIGIL);
  plugins_->unload(RTK_PLUGIN_SIGIL);
}

std::vector<std::string> HostRuntime::problems() const {
  std::vector<std::string> out;
  for (const auto& p : plugins_->plugins()) {
    switch (p->state()) {
      case PluginState::Refused:
      case PluginState::LoadFailed:
      case PluginState::StartFailed: out.push_back(p->reason()); break;
      default: break;
    }
  }
  return out;
}

}  // namespace rtk::host
