// rtk::host::PluginManager — finds plugins, decides which may run, and runs
// them in dependency order: load all, then start all; stop in reverse start
// order, unload in reverse load order.
//
// Phases (all on the host's lifecycle thread):
//   discover(dirs)   every *.so in each directory (sorted by name) is opened
//                    and its descriptor checked (PluginLoader). A bad file is
//                    Refused with its reason; the rest go on. A second file
//                    with a name already seen is Refused as a duplicate.
//   select(...)      marks what Plugins.Enabled names, validates each enabled
//                    plugin's settings against its schema (filling defaults)
//                    and resolves dependencies (DependencyResolver) — all
//                    before any plugin code beyond rtk_plugin_entry runs.
//                    Throws Errc::Config when an enabled name matches no
//                    plugin file, listing the available ones.
//   load(kind)       load() in dependency order; the services each provides
//                    are registered right after, so dependents find them.
//   start(kind)      start() in the same order; a plugin whose provider did
//                    not start is not started either.
//   stop(kind), unload(kind)  in reverse.
// The host runs kind sigil first (before the node exists), then components.
//
// Failures never stop the others: each is kept as the plugin's state and
// reason (see Plugin), logged on the "plugins" subsystem. A library is
// dlclose()d after its plugin's unload(). The destructor stops and unloads
// whatever still runs.
// Thread-safety: not thread-safe; one lifecycle thread at a time (the host
// serializes the admin commands with its own start and stop).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/json.hpp"
#include "ratatoskr/log.hpp"
#include "runtime/Plugin.hpp"
#include "runtime/ServiceRegistry.hpp"

namespace rtk::host {

class PluginManager {
 public:
  PluginManager(ServiceRegistry& registry, Log log, std::string hostVersion);
  ~PluginManager();
  PluginManager(const PluginManager&) = delete;
  PluginManager& operator=(const PluginManager&) = delete;

  void discover(const std::vector<std::string>& directories);
  // Opens one file; returns its record (also when refused).
  Plugin& discoverFile(const std::string& path);

  // enabled: plugin names to run. modules: name → settings (the conf's
  // "Modules"). hostServices: service id → provider the host registers
  // itself ("ratatoskr.node/1" → "core"). configOrigin names the conf file in
  // messages.
  void select(const std::vector<std::string>& enabled, const std::map<std::string, json::Value>& modules,
              const std::map<std::string, std::string>& hostServices, const std::string& configOrigin);

  void load(rtk_plugin_kind kind);
  void start(rtk_plugin_kind kind);
  void stop(rtk_plugin_kind kind);
  void unload(rtk_plugin_kind kind);

  // Takes a started plugin out of service after the fact (e.g. a sigil whose
  // fragment was refused): stop(), then StartFailed with `reason`.
  void fail(Plugin& plugin, const std::string& reason);

  // Creates the scope a component sees the core's services through; set
  // once the node exists (components load after it).
  using ScopeFactory = std::function<std::unique_ptr<PluginScope>(const std::string& pluginName)>;
  void setScopeFactory(ScopeFactory factory) { scopeFactory_ = std::move(factory); }

  // ---- while the host runs (the loadPlugin / unloadPlugin admin commands) --
  // Opens `path`, applies Modules.<name> from `modules`, checks that every
  // required service has a running provider, loads and starts it. On any
  // failure the host is as before (the record is gone, the library closed)
  // and rtk::Error says why: AlreadyExists (a plugin of that name runs),
  // NotSupported (a sigil), Config (settings), NotFound (a requirement),
  // Abi/Io (the file), Unknown (its load() or start() failed).
  Plugin& loadAtRuntime(const std::string& path, const std::map<std::string, json::Value>& modules,
                        const std::string& configOrigin);
  // Stops and unloads a running component and forgets it. NotFound when no
  // such plugin runs; Refused, naming them, while running plugins use its
  // services (required or optional); NotSupported for sigils.
  void unloadAtRuntime(std::string_view name);
  // Every plugin record: name, path, version, kind, state, services,
  // reason, and for components what they hold ("holds").
  json::Value describe() const;

  const std::vector<std::unique_ptr<Plugin>>& plugins() const noexcept { return plugins_; }
  Plugin* find(std::string_view name) const noexcept;
  // Plugins of `kind` in `state`, in start order (then discovery order).
  std::vector<Plugin*> inState(PluginState state, rtk_plugin_kind kind) const;
  // The resolved start order of the selected plugins.
  const std::vector<std::string>& order() const noexcept { return order_; }
  const std::vector<std::string>& directories() const noexcept { return directories_; }

 private:
  void refuse(Plugin& p, const std::string& reason);
  bool loadOne(Plugin& p);
  bool startOne(Plugin& p);
  void stopOne(Plugin& p);
  void unloadOne(Plugin& p);
  // unload(), then the scope's last step, then dlclose.
  void releasePlugin(Plugin& p);
  void closeLibrary(Plugin& p) noexcept;
  void forget(Plugin& p);
  std::vector<std::string> dependentsOf(const Plugin& p) const;
  std::string lastError(const Plugin& p) const;
  bool providerRunning(const std::string& id) const;

  ServiceRegistry& registry_;
  Log log_;
  std::string hostVersion_;
  std::map<std::string, std::string> hostServices_;
  std::vector<std::string> directories_;
  std::vector<std::unique_ptr<Plugin>> plugins_;
  std::vector<std::string> seenFiles_;  // canonical paths already opened
  std::vector<std::string> order_;
  std::vector<Plugin*> loaded_;   // in load order
  std::vector<Plugin*> started_;  // in start order
  ScopeFactory scopeFactory_;
};

}  // namespace rtk::host
