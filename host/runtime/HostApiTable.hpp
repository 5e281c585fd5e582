// rtk::host::HostApiTable — the rtk_host_api one plugin receives at load().
//
// One table per plugin, so the host knows who is calling: log lines carry
// the plugin's name as their subsystem, and service lookups are limited to
// the services the plugin declared as required, optional or provided
// (anything else has no start-order guarantee, so it is refused with a
// warning). The core's services are answered with the plugin's own scope
// (PluginScope), so what it opens through them is tracked.
//
// Lifetime: owned by the plugin's record in the PluginManager, which keeps it
// until the manager is destroyed — longer than the plugin may use it (until
// its unload() returns).
// Thread-safety: the functions in the table are callable from any thread as
// abi.h states; the object itself is immutable after construction.
#pragma once

#include <string>
#include <vector>

#include "ratatoskr/abi.h"
#include "ratatoskr/log.hpp"
#include "runtime/ServiceRegistry.hpp"
#include "runtime/scope/PluginScope.hpp"

namespace rtk::host {

class HostApiTable {
 public:
  // scope: the plugin's view of the core's services; null for sigils, which
  // run before the node exists.
  HostApiTable(std::string pluginName, std::string configJson, std::string hostVersion,
               std::vector<std::string> allowedServices, const ServiceRegistry& registry, Log log,
               const PluginScope* scope = nullptr);
  HostApiTable(const HostApiTable&) = delete;
  HostApiTable& operator=(const HostApiTable&) = delete;

  const rtk_host_api* api() const noexcept { return &api_; }

 private:
  static HostApiTable* self(rtk_host_ctx* ctx) noexcept { return reinterpret_cast<HostApiTable*>(ctx); }
  static void log(rtk_host_ctx* ctx, rtk_log_level level, rtk_str message) noexcept;
  static rtk_log_level logLevel(rtk_host_ctx* ctx) noexcept;
  static const void* getService(rtk_host_ctx* ctx, rtk_str id, std::uint32_t minSize) noexcept;
  static std::size_t eachService(rtk_host_ctx* ctx, rtk_str id, std::uint32_t minSize, void* visitCtx,
                                 void (*visit)(void*, const char*, const void*)) noexcept;
  bool allowed(const std::string& id) const;
  // The table a plugin sees for `entry`: its scope's for the core's services.
  const void* tableFor(const ServiceEntry& entry) const noexcept;

  std::string name_;
  std::string config_;
  std::string hostVersion_;
  std::vector<std::string> allowed_;
  const ServiceRegistry& registry_;
  Log log_;
  const PluginScope* scope_;
  rtk_host_api api_{};
};

}  // namespace rtk::host
