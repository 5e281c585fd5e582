#include "runtime/Plugin.hpp"

namespace rtk::host {

const char* pluginStateName(PluginState state) noexcept {
  switch (state) {
    case PluginState::Found: return "found";
    case PluginState::Disabled: return "disabled";
    case PluginState::Refused: return "refused";
    case PluginState::Loaded: return "loaded";
    case PluginState::LoadFailed: return "load failed";
    case PluginState::Started: return "started";
    case PluginState::StartFailed: return "start failed";
    case PluginState::Stopped: return "stopped";
  }
  return "?";
}

std::string Plugin::label() const {
  if (description_.name.empty()) return path_;
  return description_.name + " " + description_.version + " (" + PluginLoader::kindName(description_.kind) + ") from " + path_;
}

}  // namespace rtk::host
