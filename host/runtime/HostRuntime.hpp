// rtk::host::HostRuntime — everything the host program runs, in order.
//
// Owns the service registry, the plugin manager, the node and the node
// service adapter, and runs the host's lifecycle in three steps, each the
// job of one Poco subsystem in the host program (see host/main.cpp):
//
//   startPlugins()     "plugins": discover *.so files, select the enabled
//                      ones (settings validated, dependencies resolved),
//                      load and start the sigils.
//   startNode()        "node": assemble NodeInfo (conf + sigil fragments,
//                      SigilAssembler; a refused sigil is stopped and its
//                      reason logged as an error, the others go on),
//                      create the node through the NodeFactory, log its
//                      address, subnet, key and what is not running, and
//                      register its services (network, peers, admin,
//                      diagnostics, nodeinfo, metrics; provider "core"),
//                      which each component sees through its own PluginScope.
//   startComponents()  "components": load components in dependency order,
//                      start them, then add the admin commands that load
//                      and unload plugins while the host runs.
// and the reverse: stopComponents(), stopNode(), stopPlugins(). Each step
// logs under its subsystem name. The destructor stops whatever still runs,
// in reverse.
//
// Errors: startPlugins() throws Errc::Config when Plugins.Enabled names a
// plugin no file provides; startNode() throws what the factory throws.
// Individual plugin failures are never thrown: they are kept as plugin
// states (plugins().plugins()) and logged.
// Thread-safety: one lifecycle thread calls the steps; registry lookups are
// thread-safe (see ServiceRegistry).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "config/HostConfig.hpp"
#include "ratatoskr/log.hpp"
#include "runtime/NodeFactory.hpp"
#include "runtime/CoreServices.hpp"
#include "runtime/HostMetrics.hpp"
#include "runtime/PluginAdminCommands.hpp"
#include "runtime/PluginManager.hpp"
#include "runtime/ServiceRegistry.hpp"

namespace rtk::host {

class HostRuntime {
 public:
  // The provider name the node's services are registered under.
  static constexpr const char* kCoreProvider = CoreServices::kProvider;
  // Where `cmake --install` puts plugins (RTK_PLUGIN_INSTALL_DIR under the
  // install prefix); the host searches it when no directory is configured.
  static std::string installedPluginDirectory();

  // preview: what the node will publish for a NodeInfo (its build keys), to
  // size NodeInfo with the sigils exactly; unset: the text as it is (a node
  // that adds nothing, as the tests' fakes).
  HostRuntime(HostConfig config, std::shared_ptr<const Logger> logger, NodeFactory factory, std::string hostVersion,
              NodeInfoPreview preview = {});
  ~HostRuntime();
  HostRuntime(const HostRuntime&) = delete;
  HostRuntime& operator=(const HostRuntime&) = delete;

  void startPlugins();
  void startNode();
  void startComponents();
  void stopComponents();
  void stopNode();
  void stopPlugins();

  const HostConfig& config() const noexcept { return config_; }
  ServiceRegistry& registry() noexcept { return registry_; }
  PluginManager& plugins() noexcept { return *plugins_; }
  // Null before startNode() and after stopNode().
  const std::shared_ptr<NodeInterface>& node() const noexcept { return instance_.node; }
  const NodeInstance& nodeInstance() const noexcept { return instance_; }
  // The NodeInfo the node was created with (after sigil assembly).
  const std::string& nodeInfo() const noexcept { return nodeInfo_; }
  // The service ids the host registers for the node.
  static const std::vector<std::string>& coreServices();

  // One line per plugin that did not end up running, with its reason.
  std::vector<std::string> problems() const;

  // A step that failed (recorded by the subsystem that ran it); later steps
  // are skipped and the host exits with an error.
  // configError: the step failed on the conf (a module no plugin provides,
  // bad module settings), not at run time; the host exits 78 then.
  void recordFailure(std::string message, bool configError) {
    if (!failure_.empty()) return;
    failure_ = std::move(message);
    failureIsConfig_ = configError;
  }
  bool failed() const noexcept { return !failure_.empty(); }
  const std::string& failure() const noexcept { return failure_; }
  bool failureIsConfig() const noexcept { return failureIsConfig_; }

 private:
  HostConfig config_;
  std::shared_ptr<const Logger> logger_;
  NodeFactory factory_;
  std::string hostVersion_;
  NodeInfoPreview preview_;
  ServiceRegistry registry_;
  NodeInstance instance_;
  std::string nodeInfo_;
  std::map<std::string, std::string> nodeInfoOwners_;
  std::unique_ptr<CoreServices> coreServices_;
  std::mutex lifecycle_;                    // run-time load/unload vs. stop
  std::unique_ptr<PluginManager> plugins_;  // destroyed before the scopes and the composer
  std::unique_ptr<PluginAdminCommands> adminCommands_;
  // Initialized after plugins_ (it reads it); destroyed first, when ~HostRuntime
  // has stopped every plugin, so no collect runs any more.
  std::unique_ptr<HostMetrics> metrics_;
  bool nodeRunning_ = false;
  std::string failure_;
  bool failureIsConfig_ = false;
};

}  // namespace rtk::host
