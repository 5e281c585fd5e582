#include "runtime/PluginAdminCommands.hpp"

#include <filesystem>
#include <system_error>

#include "ratatoskr/error.hpp"
#include "ratatoskr/json.hpp"

namespace rtk::host {
namespace fs = std::filesystem;

namespace {

std::string argument(std::string_view arguments, const char* name, const char* command) {
  auto args = arguments.empty() ? json::Value::object() : json::Value::parse(arguments);
  const json::Value* v = args.isObject() ? args.find(name) : nullptr;
  if (!v || !v->isString() || v->asString().empty()) {
    throw Error(Errc::InvalidArgument, std::string(command) + ": missing argument " + name + "=…");
  }
  return v->asString();
}

bool inside(const fs::path& file, const fs::path& dir) {
  auto f = file.begin(), d = dir.begin();
  for (; d != dir.end(); ++d, ++f) {
    if (d->empty()) continue;  // a trailing slash
    if (f == file.end() || *f != *d) return false;
  }
  return f != file.end();
}

}  // namespace

PluginAdminCommands::PluginAdminCommands(AdminInterface& admin, Context context) : admin_(admin), ctx_(std::move(context)) {
  auto add = [&](const char* name, const char* description, std::vector<std::string> fields,
                 std::string (PluginAdminCommands::*fn)(std::string_view)) {
    admin_.addAdminHandler(name, description, std::move(fields), [this, fn](std::string_view args) { return (this->*fn)(args); });
    registered_.emplace_back(name);
  };
  try {
    add(kLoad, "Load and start a plugin from a plugin directory", {"path"}, &PluginAdminCommands::load);
    add(kUnload, "Stop and unload a running plugin", {"name"}, &PluginAdminCommands::unload);
    add(kList, "List plugins and their states", {}, &PluginAdminCommands::list);
  } catch (...) {
    for (const auto& name : registered_) admin_.removeAdminHandler(name);
    throw;
  }
}

PluginAdminCommands::~PluginAdminCommands() {
  for (const auto& name : registered_) {
    try {
      admin_.removeAdminHandler(name);
    } catch (const std::exception& e) {
      ctx_.log.warn("removing admin command ", name, ": ", e.what());
    }
  }
}

std::string PluginAdminCommands::resolvePath(const std::string& path, const std::vector<std::string>& directories) {
  if (directories.empty()) throw Error(Errc::NotFound, "loadPlugin: the host has no plugin directory (Plugins.Directories)");
  std::error_code ec;
  std::vector<fs::path> dirs;
  for (const auto& d : directories) {
    auto c = fs::canonical(d, ec);
    if (!ec) dirs.push_back(c);
  }
  fs::path wanted(path);
  std::vector<fs::path> candidates;
  if (wanted.is_absolute()) {
    candidates.push_back(wanted);
  } else {
    for (const auto& d : dirs) candidates.push_back(d / wanted);
  }
  for (const auto& c : candidates) {
    auto real = fs::canonical(c, ec);
    if (ec || !fs::is_regular_file(real, ec)) continue;
    for (const auto& d : dirs)
      if (inside(real, d)) return real.string();
    throw Error(Errc::InvalidArgument, "loadPlugin: " + path + " is not inside a plugin directory (" +
                                           [&] {
                                             std::string all;
                                             for (const auto& d : directories) all += (all.empty() ? "" : ", ") + d;
                                             return all;
                                           }() +
                                           ")");
  }
  throw Error(Errc::NotFound, "loadPlugin: no plugin file " + path + (wanted.is_absolute() ? "" : " in the plugin directories"));
}

std::string PluginAdminCommands::load(std::string_view arguments) {
  std::string file = resolvePath(argument(arguments, "path", "loadPlugin"), ctx_.directories);
  std::lock_guard lock(ctx_.lifecycle);
  ctx_.log.info("loadPlugin ", file);
  Plugin& p = ctx_.plugins.loadAtRuntime(file, ctx_.modules, ctx_.configOrigin);
  auto reply = json::Value::object();
  reply.set("name", p.name());
  reply.set("version", p.description().version);
  reply.set("path", p.path());
  reply.set("state", pluginStateName(p.state()));
  return reply.dump();
}

std::string PluginAdminCommands::unload(std::string_view arguments) {
  std::string name = argument(arguments, "name", "unloadPlugin");
  std::lock_guard lock(ctx_.lifecycle);
  ctx_.log.info("unloadPlugin ", name);
  ctx_.plugins.unloadAtRuntime(name);
  auto reply = json::Value::object();
  reply.set("name", name);
  reply.set("state", "unloaded");
  return reply.dump();
}

std::string PluginAdminCommands::list(std::string_view) {
  std::lock_guard lock(ctx_.lifecycle);
  auto reply = json::Value::object();
  reply.set("plugins", ctx_.plugins.describe());
  return reply.dump();
}

}  // namespace rtk::host
