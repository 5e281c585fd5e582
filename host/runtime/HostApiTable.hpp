// rtk::host::HostApiTable — the rtk_host_api one plugin receives at load().
//
// One table per plugin, so the host knows who is calling: log lines carry
// the plugin's name as their subsystem, and service lookups are limited to
// the services the plugin declared as required or provides itself (anything
// else has no start-order guarantee, so it is refused with a warning).
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
#include "runtime/HostExport.hpp"
#include "runtime/ServiceRegistry.hpp"

namespace rtk::host {

class RTK_HOST_API HostApiTable {
 public:
  HostApiTable(std::string pluginName, std::string configJson, std::string hostVersion,
               std::vector<std::string> allowedServices, const ServiceRegistry& registry, Log log);
  HostApiTable(const HostApiTable&) = delete;
  HostApiTable& operator=(const HostApiTable&) = delete;

  const rtk_host_api* api() const noexcept { return &api_; }

 private:
  static HostApiTable* self(rtk_host_ctx* ctx) noexcept { return reinterpret_cast<HostApiTable*>(ctx); }
  static void log(rtk_host_ctx* ctx, rtk_log_level level, rtk_str message) noexcept;
  static rtk_log_level logLevel(rtk_host_ctx* ctx) noexcept;
  static const void* getService(rtk_host_ctx* ctx, rtk_str id, std::uint32_t minSize) noexcept;

  std::string name_;
  std::string config_;
  std::string hostVersion_;
  std::vector<std::string> allowed_;
  const ServiceRegistry& registry_;
  Log log_;
  rtk_host_api api_{};
};

}  // namespace rtk::host
