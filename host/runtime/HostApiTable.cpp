#include "runtime/HostApiTable.hpp"

#include <algorithm>
#include <cstdio>

#include "ratatoskr/abi.hpp"

namespace rtk::host {

HostApiTable::HostApiTable(std::string pluginName, std::string configJson, std::string hostVersion,
                           std::vector<std::string> allowedServices, const ServiceRegistry& registry, Log log,
                           const PluginScope* scope)
    : name_(std::move(pluginName)),
      config_(std::move(configJson)),
      hostVersion_(std::move(hostVersion)),
      allowed_(std::move(allowedServices)),
      registry_(registry),
      log_(std::move(log)),
      scope_(scope) {
  api_.struct_size = sizeof(rtk_host_api);
  api_.abi_major = RTK_ABI_MAJOR;
  api_.abi_minor = RTK_ABI_MINOR;
  api_.ctx = reinterpret_cast<rtk_host_ctx*>(this);
  api_.host_version = hostVersion_.c_str();
  api_.plugin_name = name_.c_str();
  api_.config_json = sdk::toStr(config_);
  api_.log = &HostApiTable::log;
  api_.log_level = &HostApiTable::logLevel;
  api_.get_service = &HostApiTable::getService;
  api_.each_service = &HostApiTable::eachService;
}

bool HostApiTable::allowed(const std::string& id) const {
  if (std::find(allowed_.begin(), allowed_.end(), id) != allowed_.end()) return true;
  log_.warn("looked up service \"", id,
            "\", which it does not declare as required or optional — declare it so it is started first");
  return false;
}

const void* HostApiTable::tableFor(const ServiceEntry& entry) const noexcept {
  if (scope_) {
    if (const void* own = scope_->table(entry.id)) return own;
  }
  return entry.table;
}

void HostApiTable::log(rtk_host_ctx* ctx, rtk_log_level level, rtk_str message) noexcept {
  auto* t = self(ctx);
  if (!t || !t->log_.logger()) return;
  if (level < RTK_LOG_TRACE) level = RTK_LOG_TRACE;
  if (level >= RTK_LOG_OFF) return;
  try {
    t->log_.logger()->write(static_cast<LogLevel>(level), t->log_.subsystem(), sdk::fromStr(message));
  } catch (const std::exception& e) {
    // A failing sink cannot report through itself; stderr is the last resort.
    std::fprintf(stderr, "%s: log sink failed: %s\n", t->name_.c_str(), e.what());
  }
}

rtk_log_level HostApiTable::logLevel(rtk_host_ctx* ctx) noexcept {
  auto* t = self(ctx);
  if (!t || !t->log_.logger()) return RTK_LOG_OFF;
  return static_cast<rtk_log_level>(t->log_.logger()->level());
}

const void* HostApiTable::getService(rtk_host_ctx* ctx, rtk_str id, std::uint32_t minSize) noexcept {
  auto* t = self(ctx);
  if (!t) return nullptr;
  try {
    std::string wanted(sdk::fromStr(id));
    if (!t->allowed(wanted)) return nullptr;
    auto entry = t->registry_.find(wanted);
    if (!entry) {
      t->log_.debug("service \"", wanted, "\" has no provider");
      return nullptr;
    }
    if (entry->size < minSize) {
      t->log_.warn("service \"", wanted, "\" from \"", entry->provider, "\" is ", entry->size,
                   " bytes, the plugin needs at least ", minSize, " (built against a newer SDK minor)");
      return nullptr;
    }
    return t->tableFor(*entry);
  } catch (const std::exception& e) {
    t->log_.error("service lookup failed: ", e.what());
    return nullptr;
  }
}

std::size_t HostApiTable::eachService(rtk_host_ctx* ctx, rtk_str id, std::uint32_t minSize, void* visitCtx,
                                      void (*visit)(void*, const char*, const void*)) noexcept {
  auto* t = self(ctx);
  if (!t || !visit) return 0;
  try {
    std::string wanted(sdk::fromStr(id));
    if (!t->allowed(wanted)) return 0;
    std::size_t n = 0;
    for (const auto& entry : t->registry_.findAll(wanted)) {
      if (entry.size < minSize) continue;
      visit(visitCtx, entry.provider.c_str(), t->tableFor(entry));
      ++n;
    }
    return n;
  } catch (const std::exception& e) {
    t->log_.error("service enumeration failed: ", e.what());
    return 0;
  }
}

}  // namespace rtk::host
