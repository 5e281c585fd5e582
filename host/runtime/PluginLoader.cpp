#include "runtime/PluginLoader.hpp"

#include <dlfcn.h>

#include <algorithm>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/sigil.h"
#include "runtime/ServiceRegistry.hpp"

namespace rtk::host {
namespace {

// Lists longer than this are taken as missing their NULL terminator.
constexpr std::size_t kMaxServices = 64;

std::string version(unsigned major, unsigned minor) { return std::to_string(major) + "." + std::to_string(minor); }

[[noreturn]] void refuse(const std::string& path, const std::string& sentence) {
  throw Error(Errc::Abi, path + ": " + sentence);
}

std::vector<std::string> readList(const char* const* list, const std::string& path, const std::string& who,
                                  const char* what) {
  std::vector<std::string> out;
  if (!list) return out;
  for (std::size_t i = 0; list[i]; ++i) {
    if (i == kMaxServices) {
      refuse(path, who + " lists more than " + std::to_string(kMaxServices) + " " + what +
                       " services — is the list missing its NULL terminator?");
    }
    std::string id = list[i];
    if (!ServiceRegistry::validId(id)) {
      refuse(path, who + " lists malformed " + what + " service id \"" + id + "\" (expected <name>/<major>, e.g. ratatoskr.network/1)");
    }
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
  }
  return out;
}

}  // namespace

bool PluginLoader::validName(const std::string& name) noexcept { return sdk::validPluginName(name); }

const char* PluginLoader::kindName(rtk_plugin_kind kind) noexcept {
  switch (kind) {
    case RTK_PLUGIN_COMPONENT: return "component";
    case RTK_PLUGIN_SIGIL: return "sigil";
    default: return "unknown";
  }
}

PluginDescription PluginLoader::inspect(const rtk_plugin_descriptor* d, const std::string& path) {
  if (!d) refuse(path, "rtk_plugin_entry() returned no descriptor");
  if (d->struct_size < RTK_PLUGIN_DESCRIPTOR_HEADER_SIZE) {
    refuse(path, "descriptor is " + std::to_string(d->struct_size) +
                     " bytes, too small to hold its ABI version and name — not a ratatoskr plugin");
  }
  PluginDescription out;
  out.abiMajor = d->abi_major;
  out.abiMinor = d->abi_minor;
  // The name's offset is the same in every ABI major, so even a refusal can say whose plugin it is.
  std::string who = d->name ? "\"" + std::string(d->name) + "\"" : "an unnamed plugin";
  const std::string host = version(RTK_ABI_MAJOR, RTK_ABI_MINOR);
  const std::string needs = version(d->abi_major, d->abi_minor);
  if (d->abi_major != RTK_ABI_MAJOR) {
    refuse(path, who + " needs ABI " + needs + ", host is " + host + " (major differs) — rebuild against SDK " +
                     std::to_string(RTK_ABI_MAJOR) + ".x");
  }
  if (d->abi_minor > RTK_ABI_MINOR) {
    refuse(path, who + " needs ABI " + needs + ", host is " + host + " (plugin is newer) — upgrade the host or rebuild against SDK " +
                     host);
  }
  if (d->struct_size < RTK_PLUGIN_DESCRIPTOR_SIZE_2_0) {
    refuse(path, who + " descriptor is " + std::to_string(d->struct_size) + " bytes, ABI " + needs + " needs at least " +
                     std::to_string(RTK_PLUGIN_DESCRIPTOR_SIZE_2_0) + " — rebuild against SDK " + std::to_string(RTK_ABI_MAJOR) + ".x");
  }
  out.name = d->name ? d->name : "";
  if (!validName(out.name)) {
    refuse(path, "plugin name \"" + out.name + "\" is invalid — it must match ^[a-z0-9._-]{3,32}$");
  }
  who = "\"" + out.name + "\"";
  if (!d->version || !*d->version) refuse(path, who + " has no version");
  out.version = d->version;
  out.description = d->description ? d->description : "";
  out.kind = d->kind;
  if (d->kind != RTK_PLUGIN_COMPONENT && d->kind != RTK_PLUGIN_SIGIL) {
    refuse(path, who + " has unknown kind " + std::to_string(d->kind) + " (expected 1, component, or 2, sigil)");
  }
  const char* missing = !d->load ? "load" : !d->start ? "start" : !d->stop ? "stop" : !d->unload ? "unload"
                      : !d->last_error ? "last_error" : !d->get_service ? "get_service" : nullptr;
  if (missing) refuse(path, who + " descriptor has no " + missing + "() function");
  out.provides = readList(d->provided_services, path, who, "provided");
  out.requires_ = readList(d->required_services, path, who, "required");
  out.optional = readList(d->optional_services, path, who, "optional");
  bool providesSigil = std::find(out.provides.begin(), out.provides.end(), RTK_SIGIL_SERVICE_ID) != out.provides.end();
  if (out.kind == RTK_PLUGIN_SIGIL) {
    if (!providesSigil) refuse(path, who + " is a sigil but does not provide \"" RTK_SIGIL_SERVICE_ID "\"");
    if (!out.requires_.empty() || !out.optional.empty()) {
      refuse(path, who + " is a sigil but uses \"" + (out.requires_.empty() ? out.optional : out.requires_).front() +
                       "\" — sigils run before the node exists and may use no service");
    }
  } else if (providesSigil) {
    refuse(path, who + " provides \"" RTK_SIGIL_SERVICE_ID "\" but is not of kind sigil");
  }
  if (d->config_schema) {
    out.hasConfigSchema = true;
    out.configSchema = d->config_schema;
  }
  return out;
}

PluginLoader::Opened PluginLoader::open(const std::string& path) {
  // dlopen searches the library path for names without a slash; a plugin
  // file is always meant literally.
  std::string target = path.find('/') == std::string::npos ? "./" + path : path;
  void* handle = ::dlopen(target.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    std::string why = ::dlerror();
    // dlerror() usually starts with the file name itself.
    if (why.rfind(target + ": ", 0) == 0) why.erase(0, target.size() + 2);
    throw Error(Errc::Io, path + ": cannot be loaded: " + why);
  }
  ::dlerror();
  void* symbol = ::dlsym(handle, RTK_PLUGIN_ENTRY_SYMBOL);
  if (!symbol) {
    ::dlclose(handle);
    refuse(path, "no " RTK_PLUGIN_ENTRY_SYMBOL " symbol — not a ratatoskr plugin (define one with RTK_PLUGIN)");
  }
  Opened out;
  out.handle = handle;
  auto entry = reinterpret_cast<rtk_plugin_entry_fn>(symbol);
  out.descriptor = entry();
  try {
    out.description = inspect(out.descriptor, path);
  } catch (...) {
    ::dlclose(handle);  // only its entry point ran; nothing of it is kept
    throw;
  }
  return out;
}

}  // namespace rtk::host
