// rtk::host::Plugin — one plugin file as the runtime tracks it: what its
// descriptor says, where it is in its lifecycle, and why it stopped there.
//
//   Found ──(not in Plugins.Enabled)──▶ Disabled
//     │ └──(bad file, ABI, name, duplicate, config, dependencies)──▶ Refused
//     ▼
//   load() ──▶ Loaded ──start()──▶ Started ──stop()──▶ Stopped
//     └──▶ LoadFailed     └──▶ StartFailed
//
// A plugin unloaded while the host runs (unloadPlugin) leaves no record:
// it can be loaded again from its file.
//
// Every state but Found/Loaded/Started/Stopped carries a reason: one sentence
// that starts with the file name. Records are created and changed only by
// the PluginManager on the host thread; reading them from other threads
// while the manager works is not supported.
#pragma once

#include <memory>
#include <string>

#include "ratatoskr/abi.h"
#include "runtime/HostApiTable.hpp"
#include "runtime/PluginLoader.hpp"
#include "runtime/scope/PluginScope.hpp"

namespace rtk::host {

enum class PluginState { Found, Disabled, Refused, Loaded, LoadFailed, Started, StartFailed, Stopped };

const char* pluginStateName(PluginState state) noexcept;

class Plugin {
 public:
  explicit Plugin(std::string path) : path_(std::move(path)) {}
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  const std::string& path() const noexcept { return path_; }
  // Empty when the file was refused before its name could be read.
  const std::string& name() const noexcept { return description_.name; }
  const PluginDescription& description() const noexcept { return description_; }
  rtk_plugin_kind kind() const noexcept { return description_.kind; }
  PluginState state() const noexcept { return state_; }
  const std::string& reason() const noexcept { return reason_; }
  // The settings handed to load(), after schema defaults ("{}" if none).
  const std::string& configJson() const noexcept { return configJson_; }
  // "status 1.0.0 (component) from plugins/status.so"
  std::string label() const;

 private:
  friend class PluginManager;

  std::string path_;
  PluginDescription description_;
  PluginState state_ = PluginState::Found;
  std::string reason_;
  std::string configJson_ = "{}";
  void* handle_ = nullptr;
  const rtk_plugin_descriptor* descriptor_ = nullptr;
  rtk_plugin_state* pluginState_ = nullptr;
  std::unique_ptr<PluginScope> scope_;  // components: what it holds through the core's services
  std::unique_ptr<HostApiTable> hostApi_;
};

}  // namespace rtk::host
