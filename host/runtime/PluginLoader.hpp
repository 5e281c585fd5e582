// rtk::host::PluginLoader — opens one plugin file and checks its descriptor.
//
// open() does dlopen(RTLD_NOW | RTLD_LOCAL) — unresolved symbols fail here,
// not at first call, and a plugin's symbols never satisfy another's — then
// finds rtk_plugin_entry, calls it, and inspect()s the descriptor. No other
// plugin function runs. The library is never closed (see abi.h).
//
// inspect() checks, in this order, and refuses with one sentence naming the
// file, the plugin and the versions:
//   plugins/x.so: descriptor is 4 bytes, too small to hold its ABI version — not a ratatoskr plugin
//   plugins/x.so: "x" needs ABI 2.0, host is 1.0 (major differs) — rebuild against SDK 1.x
//   plugins/x.so: "x" needs ABI 1.3, host is 1.0 (plugin is newer) — upgrade the host or rebuild against SDK 1.0
//   plugins/x.so: "x" descriptor is 40 bytes, ABI 1.0 needs at least 112 — rebuild against SDK 1.x
//   plugins/x.so: plugin name "X y" is invalid — it must match ^[a-z0-9._-]{3,32}$
//   plugins/x.so: "x" has no version / unknown kind / no load() ... / a malformed service id
//   plugins/x.so: "x" is a sigil but ... (must provide ratatoskr.sigil/1, require nothing)
// open() adds:
//   plugins/x.so: cannot be loaded: <dlerror>
//   plugins/x.so: no rtk_plugin_entry symbol — not a ratatoskr plugin (define one with RTK_PLUGIN)
//
// Errors: rtk::Error(Errc::Abi) for everything about the descriptor,
// Errc::Io when dlopen fails. Thread-safety: stateless; dlopen is
// thread-safe, but the host calls this from its one lifecycle thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ratatoskr/abi.h"

namespace rtk::host {

// What a valid descriptor says, copied out of the plugin's memory.
struct PluginDescription {
  std::string name;
  std::string version;
  std::string description;
  rtk_plugin_kind kind = RTK_PLUGIN_COMPONENT;
  std::uint16_t abiMajor = 0, abiMinor = 0;
  std::vector<std::string> provides;
  std::vector<std::string> requires_;
  std::vector<std::string> optional;  // used when present
  bool hasConfigSchema = false;
  std::string configSchema;
};

class PluginLoader {
 public:
  struct Opened {
    void* handle = nullptr;
    const rtk_plugin_descriptor* descriptor = nullptr;
    PluginDescription description;
  };

  // ^[a-z0-9._-]{3,32}$
  static bool validName(const std::string& name) noexcept;
  static const char* kindName(rtk_plugin_kind kind) noexcept;

  static PluginDescription inspect(const rtk_plugin_descriptor* descriptor, const std::string& path);
  static Opened open(const std::string& path);
};

}  // namespace rtk::host
