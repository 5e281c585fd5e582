#include "runtime/PluginManager.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/sigil.h"
#include "runtime/ConfigSchema.hpp"
#include "runtime/DependencyResolver.hpp"
#include "runtime/PluginLoader.hpp"
#include "runtime/Quoted.hpp"

namespace rtk::host {
namespace fs = std::filesystem;

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

PluginManager::PluginManager(ServiceRegistry& registry, Log log, std::string hostVersion)
    : registry_(registry), log_(std::move(log)), hostVersion_(std::move(hostVersion)) {}

PluginManager::~PluginManager() {
  if (!started_.empty() || !loaded_.empty()) {
    log_.warn("plugin manager destroyed with plugins still loaded; stopping them now");
    stop(RTK_PLUGIN_COMPONENT);
    unload(RTK_PLUGIN_COMPONENT);
    stop(RTK_PLUGIN_SIGIL);
    unload(RTK_PLUGIN_SIGIL);
  }
  for (auto& p : plugins_) closeLibrary(*p);  // records that never ran code
}

void PluginManager::refuse(Plugin& p, const std::string& reason) {
  p.state_ = PluginState::Refused;
  p.reason_ = reason;
  log_.warn("refused: ", reason);
}

std::string PluginManager::lastError(const Plugin& p) const {
  if (!p.pluginState_) return "(it reported no error message)";
  const char* text = p.descriptor_->last_error(p.pluginState_);
  return text && *text ? text : "(it reported no error message)";
}

void PluginManager::discover(const std::vector<std::string>& directories) {
  for (const auto& dir : directories) {
    if (!contains(directories_, dir)) directories_.push_back(dir);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      log_.warn("plugin directory ", dir, " does not exist or is not a directory; skipped");
      continue;
    }
    std::vector<std::string> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const auto& path = it->path();
      if (path.extension() != ".so") continue;
      std::error_code fileEc;
      if (!fs::is_regular_file(it->status(fileEc))) continue;
      files.push_back((fs::path(dir) / path.filename()).string());
    }
    if (ec) log_.warn("plugin directory ", dir, ": ", ec.message());
    std::sort(files.begin(), files.end());
    log_.debug("plugin directory ", dir, ": ", files.size(), " file(s)");
    for (const auto& f : files) discoverFile(f);
  }
}

Plugin& PluginManager::discoverFile(const std::string& path) {
  std::error_code ec;
  std::string canonical = fs::weakly_canonical(path, ec).string();
  if (ec) canonical = path;
  for (auto& existing : plugins_) {
    std::error_code e2;
    if (fs::weakly_canonical(existing->path(), e2).string() == canonical) {
      log_.debug(path, ": already discovered as ", existing->path());
      return *existing;
    }
  }
  auto record = std::make_unique<Plugin>(path);
  Plugin& p = *record;
  plugins_.push_back(std::move(record));
  try {
    auto opened = PluginLoader::open(path);
    p.handle_ = opened.handle;
    p.descriptor_ = opened.descriptor;
    p.description_ = std::move(opened.description);
  } catch (const Error& e) {
    // The record stays nameless; the reason names the file and, when the
    // descriptor could be read, the plugin and its ABI.
    refuse(p, e.what());
    return p;
  }
  for (auto& other : plugins_) {
    if (other.get() == &p || other->name() != p.name()) continue;
    std::string reason = path + ": plugin " + inQuotes(p.name()) + " is already provided by " + other->path() +
                         " — remove one of them";
    // The duplicate becomes nameless and inert: nothing can select it or
    // depend on it, and find() keeps returning the first file.
    p.description_ = PluginDescription{};
    p.descriptor_ = nullptr;
    closeLibrary(p);
    refuse(p, reason);
    return p;
  }
  log_.debug("found ", p.label());
  return p;
}

Plugin* PluginManager::find(std::string_view name) const noexcept {
  for (const auto& p : plugins_)
    if (!p->name().empty() && p->name() == name) return p.get();
  return nullptr;
}

std::vector<Plugin*> PluginManager::inState(PluginState state, rtk_plugin_kind kind) const {
  std::vector<Plugin*> out;
  std::set<const Plugin*> seen;
  for (const auto& name : order_) {
    Plugin* p = find(name);
    if (p && p->kind() == kind && p->state() == state) {
      out.push_back(p);
      seen.insert(p);
    }
  }
  for (const auto& p : plugins_)
    if (!seen.count(p.get()) && p->descriptor_ && p->kind() == kind && p->state() == state) out.push_back(p.get());
  return out;
}

void PluginManager::select(const std::vector<std::string>& enabled, const std::map<std::string, json::Value>& modules,
                           const std::map<std::string, std::string>& hostServices, const std::string& configOrigin) {
  hostServices_ = hostServices;
  std::vector<std::string> available;
  for (const auto& p : plugins_)
    if (!p->name().empty() && !contains(available, p->name())) available.push_back(p->name());
  std::sort(available.begin(), available.end());

  std::vector<std::string> missing;
  for (const auto& name : enabled)
    if (!find(name) && !contains(missing, name)) missing.push_back(name);
  if (!missing.empty()) {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + inQuotes(m);
    std::string where;
    for (const auto& d : directories_) where += (where.empty() ? "" : ", ") + d;
    std::string avail;
    for (const auto& a : available) avail += (avail.empty() ? "" : ", ") + a;
    throw Error(Errc::Config, configOrigin + ": Plugins.Enabled: no plugin named " + names + " was found" +
                                  (where.empty() ? " (no plugin directory given)" : " in " + where) +
                                  (avail.empty() ? " — no plugins are available" : " — available: " + avail));
  }

  for (const auto& [name, settings] : modules) {
    (void)settings;
    if (!find(name)) log_.warn(configOrigin, ": Modules.", name, ": no plugin named ", inQuotes(name), " was found; these settings are ignored");
  }

  std::vector<DependencyNode> nodes;
  std::map<std::string, std::vector<std::string>> dormant;
  for (const auto& rec : plugins_) {
    Plugin& p = *rec;
    if (p.state() != PluginState::Found) continue;
    if (!contains(enabled, p.name())) {
      p.state_ = PluginState::Disabled;
      p.reason_ = p.path() + ": " + inQuotes(p.name()) + " is not listed in Plugins.Enabled";
      for (const auto& id : p.description().provides) dormant[id].push_back(p.name());
      log_.info("not enabled: ", p.label());
      continue;
    }
    auto settings = modules.find(p.name());
    try {
      ConfigSchema schema(p.description().configSchema);
      auto effective = schema.apply(settings == modules.end() ? json::Value() : settings->second, "Modules." + p.name());
      p.configJson_ = effective.dump();
    } catch (const Error& e) {
      refuse(p, p.path() + ": " + inQuotes(p.name()) + " settings rejected: " + configOrigin + ": " + e.what());
      nodes.push_back(DependencyNode{p.name(), p.description().provides, p.description().requires_,
                                     p.description().optional, true});
      continue;
    }
    nodes.push_back(DependencyNode{p.name(), p.description().provides, p.description().requires_,
                                   p.description().optional, false});
  }

  auto resolution = DependencyResolver::resolve(nodes, hostServices, dormant);
  for (const auto& [name, reason] : resolution.refused) {
    Plugin* p = find(name);
    refuse(*p, p->path() + ": " + reason);
  }
  order_ = resolution.order;
  // What will not run needs no code mapped: its record keeps the description.
  for (const auto& rec : plugins_) {
    if (rec->handle_ && !contains(order_, rec->name())) {
      closeLibrary(*rec);
      rec->descriptor_ = nullptr;
    }
  }
  if (!order_.empty()) {
    std::string list;
    for (const auto& n : order_) list += (list.empty() ? "" : ", ") + n;
    log_.info("start order: ", list);
  }
}

bool PluginManager::providerRunning(const std::string& id) const {
  if (hostServices_.count(id)) return true;
  for (const auto& entry : registry_.findAll(id)) {
    const Plugin* provider = find(entry.provider);
    if (!provider || provider->state() == PluginState::Started) return true;  // not a plugin: the host's own
  }
  return false;
}

void PluginManager::closeLibrary(Plugin& p) noexcept {
  if (!p.handle_) return;
  if (::dlclose(p.handle_) != 0) log_.warn(p.path(), ": dlclose: ", ::dlerror());
  p.handle_ = nullptr;
}

bool PluginManager::loadOne(Plugin& p) {
  const auto& desc = p.description();
  for (const auto& id : desc.requires_) {
    if (registry_.find(id)) continue;
    std::string providers;
    for (const auto& other : plugins_)
      if (other.get() != &p && contains(other->description().provides, id))
        providers += (providers.empty() ? "" : ", ") + inQuotes(other->name()) + " (" + pluginStateName(other->state()) + ")";
    refuse(p, p.path() + ": " + inQuotes(p.name()) + " not loaded: required service " + inQuotes(id) + " has no provider" +
                  (providers.empty() ? "" : " — " + providers));
    return false;
  }

  std::vector<std::string> allowed = desc.requires_;
  allowed.insert(allowed.end(), desc.optional.begin(), desc.optional.end());
  allowed.insert(allowed.end(), desc.provides.begin(), desc.provides.end());
  if (p.kind() == RTK_PLUGIN_COMPONENT && scopeFactory_) p.scope_ = scopeFactory_(p.name());
  p.hostApi_ = std::make_unique<HostApiTable>(p.name(), p.configJson_, hostVersion_, allowed, registry_,
                                              Log(log_.logger(), p.name()), p.scope_.get());
  rtk_plugin_state* state = nullptr;
  rtk_status status = p.descriptor_->load(p.hostApi_->api(), &state);
  p.pluginState_ = state;
  if (status != RTK_OK) {
    p.state_ = PluginState::LoadFailed;
    p.reason_ = p.path() + ": " + inQuotes(p.name()) + " " + desc.version + " failed to load (" +
                errcName(sdk::toErrc(status)) + "): " + lastError(p);
    log_.error(p.reason_);
    releasePlugin(p);
    return false;
  }

  // All provided tables first, then register: a plugin is in the registry
  // with every service it declares or not at all.
  std::vector<std::pair<std::string, const void*>> tables;
  std::string problem;
  for (const auto& id : desc.provides) {
    const void* table = p.descriptor_->get_service(state, sdk::toStr(id));
    if (!table) {
      problem = "returned no table for its provided service " + inQuotes(id);
      break;
    }
    tables.emplace_back(id, table);
  }
  if (problem.empty()) {
    try {
      for (const auto& [id, table] : tables) registry_.add(id, p.name(), table);
    } catch (const Error& e) {
      registry_.removeProvider(p.name());
      problem = e.what();
    }
  }
  if (!problem.empty()) {
    p.state_ = PluginState::LoadFailed;
    p.reason_ = p.path() + ": " + inQuotes(p.name()) + " " + desc.version + " failed to load: " + problem;
    log_.error(p.reason_);
    releasePlugin(p);
    return false;
  }
  p.state_ = PluginState::Loaded;
  loaded_.push_back(&p);
  log_.info("loaded ", p.label());
  return true;
}

bool PluginManager::startOne(Plugin& p) {
  std::string blocked;
  for (const auto& id : p.description().requires_) {
    if (providerRunning(id)) continue;
    blocked = id;
    break;
  }
  if (!blocked.empty()) {
    std::string providers;
    for (const auto& entry : registry_.findAll(blocked)) providers += (providers.empty() ? "" : ", ") + inQuotes(entry.provider);
    p.state_ = PluginState::StartFailed;
    p.reason_ = p.path() + ": " + inQuotes(p.name()) + " not started: the provider of " + inQuotes(blocked) + " (" + providers +
                ") is not running";
    log_.error(p.reason_);
    registry_.removeProvider(p.name());
    return false;
  }
  rtk_status status = p.descriptor_->start(p.pluginState_);
  if (status != RTK_OK) {
    p.state_ = PluginState::StartFailed;
    p.reason_ = p.path() + ": " + inQuotes(p.name()) + " " + p.description().version + " failed to start (" +
                errcName(sdk::toErrc(status)) + "): " + lastError(p);
    log_.error(p.reason_);
    // start() failed: no stop(), but whatever it registered meanwhile goes.
    if (p.scope_) {
      p.scope_->beforeStop();
      p.scope_->afterStop();
    }
    registry_.removeProvider(p.name());
    return false;
  }
  p.state_ = PluginState::Started;
  started_.push_back(&p);
  log_.info("started ", p.name());
  return true;
}

void PluginManager::stopOne(Plugin& p) {
  auto it = std::find(started_.begin(), started_.end(), &p);
  if (it == started_.end()) return;
  started_.erase(it);
  log_.info("stopping ", p.name());
  if (p.scope_) p.scope_->beforeStop();
  rtk_status status = p.descriptor_->stop(p.pluginState_);
  if (status != RTK_OK) {
    log_.error(p.path(), ": ", inQuotes(p.name()), " failed to stop cleanly (", errcName(sdk::toErrc(status)), "): ", lastError(p));
  }
  if (p.scope_) p.scope_->afterStop();
  registry_.removeProvider(p.name());
  if (p.state_ == PluginState::Started) p.state_ = PluginState::Stopped;
}

void PluginManager::releasePlugin(Plugin& p) {
  if (p.pluginState_) p.descriptor_->unload(p.pluginState_);
  p.pluginState_ = nullptr;
  if (p.scope_) p.scope_->afterUnload();  // after unload(): the plugin freed what it would
  p.scope_.reset();
  p.hostApi_.reset();
  closeLibrary(p);
}

void PluginManager::unloadOne(Plugin& p) {
  if (p.state() == PluginState::Started) {
    // Never unload running code: stop comes first, even when the caller forgot.
    log_.warn(p.name(), ": unloaded while started; stopping it first");
    stopOne(p);
  }
  auto it = std::find(loaded_.begin(), loaded_.end(), &p);
  if (it != loaded_.end()) loaded_.erase(it);
  releasePlugin(p);
  if (p.state() == PluginState::Loaded || p.state() == PluginState::Started) p.state_ = PluginState::Stopped;
  log_.debug("unloaded ", p.name());
}

void PluginManager::load(rtk_plugin_kind kind) {
  for (const auto& name : order_) {
    Plugin* p = find(name);
    if (p && p->kind() == kind && p->state() == PluginState::Found) loadOne(*p);
  }
}

void PluginManager::start(rtk_plugin_kind kind) {
  for (const auto& name : order_) {
    Plugin* p = find(name);
    if (p && p->kind() == kind && p->state() == PluginState::Loaded) startOne(*p);
  }
}

void PluginManager::stop(rtk_plugin_kind kind) {
  std::vector<Plugin*> running(started_.rbegin(), started_.rend());
  for (Plugin* p : running)
    if (p->kind() == kind) stopOne(*p);
}

void PluginManager::unload(rtk_plugin_kind kind) {
  std::vector<Plugin*> loaded(loaded_.rbegin(), loaded_.rend());
  for (Plugin* p : loaded)
    if (p->kind() == kind) unloadOne(*p);
}

void PluginManager::fail(Plugin& p, const std::string& reason) {
  stopOne(p);
  p.state_ = PluginState::StartFailed;
  p.reason_ = reason;
  log_.error(reason);
}

// ---- while the host runs ---------------------------------------------------

void PluginManager::forget(Plugin& p) {
  closeLibrary(p);
  std::erase(order_, p.name());
  std::erase_if(plugins_, [&](const std::unique_ptr<Plugin>& r) { return r.get() == &p; });
}

Plugin& PluginManager::loadAtRuntime(const std::string& path, const std::map<std::string, json::Value>& modules,
                                     const std::string& configOrigin) {
  auto opened = PluginLoader::open(path);  // throws with the file's reason
  const std::string name = opened.description.name;
  if (Plugin* existing = find(name)) {
    if (existing->state() == PluginState::Loaded || existing->state() == PluginState::Started) {
      ::dlclose(opened.handle);
      throw Error(Errc::AlreadyExists, path + ": plugin " + inQuotes(name) + " is already running (from " + existing->path() +
                                           ") — unload it first");
    }
    forget(*existing);  // a disabled, refused or failed record of the same name makes way
  }
  auto record = std::make_unique<Plugin>(path);
  Plugin& p = *record;
  p.handle_ = opened.handle;
  p.descriptor_ = opened.descriptor;
  p.description_ = std::move(opened.description);
  plugins_.push_back(std::move(record));

  auto giveUp = [&](Errc code, std::string reason) {
    if (p.state() == PluginState::Loaded) unloadOne(p);
    closeLibrary(p);
    forget(p);
    throw Error(code, reason);
  };
  if (p.kind() != RTK_PLUGIN_COMPONENT) {
    giveUp(Errc::NotSupported, path + ": " + inQuotes(name) +
                                   " is a sigil: sigils are assembled into NodeInfo when the node starts — enable it in the conf "
                                   "and restart the host");
  }
  try {
    ConfigSchema schema(p.description().configSchema);
    auto settings = modules.find(name);
    p.configJson_ = schema.apply(settings == modules.end() ? json::Value() : settings->second, "Modules." + name).dump();
  } catch (const Error& e) {
    giveUp(Errc::Config, path + ": " + inQuotes(name) + " settings rejected: " + configOrigin + ": " + e.what());
  }
  for (const auto& id : p.description().requires_) {
    if (!providerRunning(id) || !registry_.find(id))
      giveUp(Errc::NotFound, path + ": " + inQuotes(name) + " requires " + inQuotes(id) + ", which no running plugin provides");
  }
  for (const auto& id : p.description().provides) {
    if (auto other = registry_.find(id); other && id != RTK_SIGIL_SERVICE_ID)
      log_.info(inQuotes(name), " provides ", inQuotes(id), " after ", inQuotes(other->provider), ", which stays the active provider");
  }
  order_.push_back(name);
  if (!loadOne(p)) giveUp(Errc::Unknown, p.reason());
  if (!startOne(p)) giveUp(Errc::Unknown, p.reason());
  return p;
}

std::vector<std::string> PluginManager::dependentsOf(const Plugin& p) const {
  std::vector<std::string> out;
  for (const Plugin* other : started_) {
    if (other == &p) continue;
    for (const auto& id : p.description().provides) {
      if (contains(other->description().requires_, id) || contains(other->description().optional, id)) {
        out.push_back(other->name());
        break;
      }
    }
  }
  return out;
}

void PluginManager::unloadAtRuntime(std::string_view name) {
  Plugin* p = find(name);
  if (!p || (p->state() != PluginState::Started && p->state() != PluginState::Loaded)) {
    throw Error(Errc::NotFound, "no running plugin named " + inQuotes(std::string(name)));
  }
  if (p->kind() != RTK_PLUGIN_COMPONENT) {
    throw Error(Errc::NotSupported, inQuotes(p->name()) + " is a sigil: its fragment is part of NodeInfo since the node started — "
                                                          "disable it in the conf and restart the host");
  }
  auto dependents = dependentsOf(*p);
  if (!dependents.empty()) {
    std::string names;
    for (const auto& d : dependents) names += (names.empty() ? "" : ", ") + inQuotes(d);
    throw Error(Errc::Refused, "cannot unload " + inQuotes(p->name()) + ": " + names + (dependents.size() == 1 ? " uses" : " use") +
                                   " its services — unload " + (dependents.size() == 1 ? "it" : "them") + " first");
  }
  std::string label = p->label();
  stopOne(*p);
  unloadOne(*p);
  forget(*p);
  log_.info("unloaded ", label, " while running");
}

json::Value PluginManager::describe() const {
  auto list = json::Value::array();
  auto names = [](const std::vector<std::string>& v) {
    auto a = json::Value::array();
    for (const auto& s : v) a.push(s);
    return a;
  };
  for (const auto& rec : plugins_) {
    const Plugin& p = *rec;
    auto v = json::Value::object();
    v.set("name", p.name());
    v.set("path", p.path());
    v.set("version", p.description().version);
    v.set("kind", PluginLoader::kindName(p.kind()));
    v.set("state", pluginStateName(p.state()));
    v.set("provides", names(p.description().provides));
    v.set("requires", names(p.description().requires_));
    v.set("optional", names(p.description().optional));
    if (!p.reason().empty()) v.set("reason", p.reason());
    if (p.scope_) {
      auto h = p.scope_->holdings();
      auto holds = json::Value::object();
      holds.set("handles", static_cast<std::uint64_t>(h.handles));
      holds.set("admin_commands", static_cast<std::uint64_t>(h.adminCommands));
      holds.set("subscriptions", static_cast<std::uint64_t>(h.subscriptions));
      holds.set("pending_replies", static_cast<std::uint64_t>(h.pendingReplies));
      v.set("holds", std::move(holds));
    }
    list.push(std::move(v));
  }
  return list;
}

}  // namespace rtk::host
