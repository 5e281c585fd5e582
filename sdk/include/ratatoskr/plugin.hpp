// Writing a plugin in C++: a class and one macro.
//
//   #include <ratatoskr/plugin.hpp>
//   #include <ratatoskr/services/network.hpp>
//
//   class Hello : public rtk::sdk::Plugin {
//    public:
//     static constexpr rtk::sdk::PluginInfo info{
//         .name = "hello",
//         .version = "1.0.0",
//         .description = "says hello",
//         .requiredServices = {RTK_NETWORK_SERVICE_ID},
//         .configSchema = R"({"type":"object","properties":{
//             "greeting":{"type":"string","default":"hello"}},
//             "additionalProperties":false})"};
//
//     explicit Hello(rtk::sdk::Host& host)            // load(): no threads yet
//         : log_(host.log()), net_(rtk::sdk::NetworkClient::fromHost(host)),
//           greeting_(host.config().get("greeting").asString()) {}
//     void start() override { log_.info(greeting_, " from ", rtk::formatAddress(net_->address())); }
//     void stop() override {}
//
//    private:
//     rtk::Log log_;
//     std::unique_ptr<rtk::sdk::NetworkClient> net_;
//     std::string greeting_;
//   };
//   RTK_PLUGIN(Hello)
//
// The macro defines rtk_plugin_entry() and a static descriptor from
// Hello::info; noexcept trampolines construct the class in load(), call
// start()/stop(), destroy it in unload(), and turn every exception into a
// status plus last_error, so no exception ever crosses into the host.
//
// Thread rules (see abi.h): the constructor, start(), stop(), service() and
// the destructor run on a host lifecycle thread, one at a time. Threads the plugin
// starts in start() must be joined in stop(). The Host object and the tables
// it returns stay valid until the destructor has run.
#pragma once

#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>

#include "ratatoskr/abi.h"
#include "ratatoskr/abi.hpp"
#include "ratatoskr/json.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::sdk {

enum class PluginKind : rtk_plugin_kind { Component = RTK_PLUGIN_COMPONENT, Sigil = RTK_PLUGIN_SIGIL };

// Up to 16 service ids; the unused slots stay NULL, which terminates the
// list the descriptor hands to the host.
struct ServiceList {
  const char* ids[17] = {};
};

// What a plugin class declares as `static constexpr PluginInfo info{...}`.
struct PluginInfo {
  const char* name = nullptr;         // ^[a-z0-9._-]{3,32}$
  const char* version = nullptr;      // the plugin's own version
  const char* description = nullptr;  // one line, optional
  PluginKind kind = PluginKind::Component;
  ServiceList providedServices{};
  ServiceList requiredServices{};
  ServiceList optionalServices{};      // used when present, never a reason to refuse
  const char* configSchema = nullptr;  // JSON Schema text, optional
};

// The host as a plugin sees it: its name, config, log and services.
// Created by the trampolines before the plugin class; lives until after its
// destructor. Const members are safe from any thread.
class Host {
 public:
  explicit Host(const rtk_host_api* api)
      : api_(api), name_(api->plugin_name ? api->plugin_name : "") {
    auto logger = std::make_shared<Logger>(
        [api, name = name_](LogLevel level, std::string_view subsystem, std::string_view message) {
          // Lines from Log::child("x") arrive as "<plugin>/x"; the host adds the plugin name itself.
          std::string line;
          if (subsystem.size() > name.size() + 1 && subsystem.substr(0, name.size()) == name) {
            line.append(subsystem.substr(name.size() + 1)).append(": ");
          }
          line.append(message);
          api->log(api->ctx, static_cast<rtk_log_level>(level), toStr(line));
        },
        static_cast<LogLevel>(api->log_level(api->ctx)));
    log_ = Log(std::move(logger), name_);
  }
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  const rtk_host_api* api() const noexcept { return api_; }
  const std::string& pluginName() const noexcept { return name_; }
  std::string_view hostVersion() const noexcept { return api_->host_version ? api_->host_version : ""; }
  // The module's settings as JSON text (validated, defaults filled in).
  std::string_view configText() const noexcept { return fromStr(api_->config_json); }
  // The same, parsed; an empty object when the conf has none.
  json::Value config() const {
    auto text = configText();
    return text.empty() ? json::Value::object() : json::Value::parse(text);
  }
  // Logs "<plugin name>: ..." through the host's logger.
  const Log& log() const noexcept { return log_; }

  // The active provider's table for `id`, or nullptr (see abi.h get_service).
  const void* findService(std::string_view id, std::uint32_t minSize) const noexcept {
    return api_->get_service(api_->ctx, toStr(id), minSize);
  }
  // Every running provider of `id` (at least minSize bytes), in start order:
  // visit(providerName, table). Returns how many were visited.
  template <class Visit>
  std::size_t eachService(std::string_view id, std::uint32_t minSize, Visit&& visit) const {
    struct Ctx {
      Visit* visit;
      std::exception_ptr error;
    } ctx{&visit, nullptr};
    auto trampoline = [](void* c, const char* provider, const void* table) noexcept {
      auto* self = static_cast<Ctx*>(c);
      if (self->error) return;
      try {
        (*self->visit)(std::string_view(provider ? provider : ""), table);
      } catch (...) {
        self->error = std::current_exception();  // rethrown once the host's call returned
      }
    };
    std::size_t n = api_->each_service(api_->ctx, toStr(id), minSize, &ctx, trampoline);
    if (ctx.error) std::rethrow_exception(ctx.error);
    return n;
  }
  // As findService, throwing Errc::NotFound naming the service when absent.
  template <class Table>
  const Table& requireService(std::string_view id, std::uint32_t minSize = sizeof(Table)) const {
    auto* table = static_cast<const Table*>(findService(id, minSize));
    if (!table) {
      throw Error(Errc::NotFound, name_ + ": service \"" + std::string(id) + "\" (at least " +
                                      std::to_string(minSize) + " bytes) is not available");
    }
    return *table;
  }

 private:
  const rtk_host_api* api_;
  std::string name_;
  Log log_;
};

// The base of every C++ plugin. The derived class's constructor is the load
// phase (it receives the Host); start() and stop() are the run phase.
class Plugin {
 public:
  virtual ~Plugin() = default;
  // Begin work. Throwing fails the start; stop() will not be called.
  virtual void start() {}
  // End work: join threads, close handles. Throwing is logged by the host.
  virtual void stop() {}
  // The table of a provided service, or nullptr. Called after construction.
  virtual const void* service(std::string_view id) {
    (void)id;
    return nullptr;
  }
};

namespace detail {

constexpr bool sameText(const char* a, const char* b) {
  if (!a || !b) return a == b;
  return std::string_view(a) == std::string_view(b);
}

// What the plugin's rtk_plugin_state* points at.
struct PluginState {
  explicit PluginState(const rtk_host_api* api) : host(api) {}
  Host host;
  std::unique_ptr<Plugin> plugin;
  std::string lastError;

  template <class F>
  rtk_status run(F&& fn) noexcept {
    StringSink error;
    rtk_status status = guard(error.get(), std::forward<F>(fn));
    if (status != RTK_OK) {
      try {
        lastError = error.take();
      } catch (const std::bad_alloc&) {
        lastError.clear();  // last_error() then returns "", the status still says what failed
      }
    }
    return status;
  }
};

inline PluginState* stateOf(rtk_plugin_state* s) noexcept { return reinterpret_cast<PluginState*>(s); }

template <class T>
struct Trampolines {
  static rtk_status load(const rtk_host_api* api, rtk_plugin_state** out) noexcept {
    if (!out || !api) return RTK_ERR_INVALID_ARGUMENT;
    *out = nullptr;
    PluginState* state = new (std::nothrow) PluginState(api);
    if (!state) {
      static constexpr std::string_view msg = "out of memory creating the plugin state";
      api->log(api->ctx, RTK_LOG_ERROR, toStr(msg));
      return RTK_ERR_UNKNOWN;
    }
    *out = reinterpret_cast<rtk_plugin_state*>(state);
    return state->run([state] { state->plugin = std::make_unique<T>(state->host); });
  }
  static rtk_status start(rtk_plugin_state* s) noexcept {
    auto* state = stateOf(s);
    return state->run([state] { state->plugin->start(); });
  }
  static rtk_status stop(rtk_plugin_state* s) noexcept {
    auto* state = stateOf(s);
    return state->run([state] { state->plugin->stop(); });
  }
  static void unload(rtk_plugin_state* s) noexcept { delete stateOf(s); }
  static const char* lastError(rtk_plugin_state* s) noexcept {
    return s ? stateOf(s)->lastError.c_str() : "no plugin state";
  }
  static const void* getService(rtk_plugin_state* s, rtk_str id) noexcept {
    auto* state = stateOf(s);
    const void* table = nullptr;
    rtk_status status = state->run([&] {
      if (state->plugin) table = state->plugin->service(fromStr(id));
    });
    return status == RTK_OK ? table : nullptr;
  }
};

template <class T>
const rtk_plugin_descriptor* descriptorFor() noexcept {
  static_assert(std::is_base_of_v<Plugin, T>, "RTK_PLUGIN: the class must derive from rtk::sdk::Plugin");
  static_assert(std::is_constructible_v<T, Host&>, "RTK_PLUGIN: the class needs a constructor taking rtk::sdk::Host&");
  static_assert(T::info.name != nullptr && T::info.version != nullptr, "RTK_PLUGIN: info needs .name and .version");
  static_assert(T::info.providedServices.ids[16] == nullptr && T::info.requiredServices.ids[16] == nullptr &&
                    T::info.optionalServices.ids[16] == nullptr,
                "RTK_PLUGIN: at most 16 provided, 16 required and 16 optional services");
  static const rtk_plugin_descriptor descriptor = {
      sizeof(rtk_plugin_descriptor),
      RTK_ABI_MAJOR,
      RTK_ABI_MINOR,
      T::info.name,
      T::info.version,
      T::info.description,
      static_cast<rtk_plugin_kind>(T::info.kind),
      T::info.providedServices.ids[0] ? T::info.providedServices.ids : nullptr,
      T::info.requiredServices.ids[0] ? T::info.requiredServices.ids : nullptr,
      T::info.configSchema,
      &Trampolines<T>::load,
      &Trampolines<T>::start,
      &Trampolines<T>::stop,
      &Trampolines<T>::unload,
      &Trampolines<T>::lastError,
      &Trampolines<T>::getService,
      T::info.optionalServices.ids[0] ? T::info.optionalServices.ids : nullptr,
  };
  return &descriptor;
}

}  // namespace detail
}  // namespace rtk::sdk

// Defines the plugin's entry point for PluginClass (see the top of this file).
// Use once per plugin, at namespace scope, in one source file.
#define RTK_PLUGIN(PluginClass)                                                       \
  extern "C" RTK_PLUGIN_EXPORT const rtk_plugin_descriptor* rtk_plugin_entry(void) { \
    return ::rtk::sdk::detail::descriptorFor<PluginClass>();                          \
  }
