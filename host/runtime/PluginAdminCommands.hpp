// rtk::host::PluginAdminCommands — the admin commands that load and unload
// plugins while the host runs, callable with the real yggdrasilctl:
//
//   yggdrasilctl loadPlugin path=/usr/lib/ratatoskr/plugins/socks.so
//   yggdrasilctl unloadPlugin name=socks
//   yggdrasilctl listPlugins
//
// loadPlugin takes a file inside one of the host's plugin directories
// (Plugins.Directories / --plugin-dir): a relative path is looked up in
// each, an absolute one must lie in one of them (after resolving links), so
// an admin client can run only code the operator installed. Its settings
// come from the conf's Modules.<name>, as at start-up.
//
// Each command takes the host's lifecycle lock: one load, unload or host
// stop at a time. Errors answer the client with the reason (the file, the
// plugin, the dependents that hold it).
// Lifetime: installed once the components started, removed before they stop.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ratatoskr/log.hpp"
#include "ratatoskr/node_interface.hpp"
#include "runtime/PluginManager.hpp"

namespace rtk::host {

class PluginAdminCommands {
 public:
  static constexpr const char* kLoad = "loadplugin";
  static constexpr const char* kUnload = "unloadplugin";
  static constexpr const char* kList = "listplugins";

  struct Context {
    PluginManager& plugins;
    std::mutex& lifecycle;  // held for each command
    std::vector<std::string> directories;
    std::map<std::string, json::Value> modules;
    std::string configOrigin;
    Log log;
  };

  // Registers the three commands on `admin`.
  PluginAdminCommands(AdminInterface& admin, Context context);
  // Removes them (waiting for a command in progress).
  ~PluginAdminCommands();
  PluginAdminCommands(const PluginAdminCommands&) = delete;
  PluginAdminCommands& operator=(const PluginAdminCommands&) = delete;

  // The file `path` names, checked against the plugin directories.
  // Errc::InvalidArgument / NotFound with the reason.
  static std::string resolvePath(const std::string& path, const std::vector<std::string>& directories);

 private:
  std::string load(std::string_view arguments);
  std::string unload(std::string_view arguments);
  std::string list(std::string_view arguments);

  AdminInterface& admin_;
  Context ctx_;
  std::vector<std::string> registered_;
};

}  // namespace rtk::host
