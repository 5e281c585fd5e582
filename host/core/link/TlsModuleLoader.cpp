#include "core/link/TlsModuleLoader.hpp"

#include <dlfcn.h>

#include <vector>

#include "ratatoskr/error.hpp"

namespace rtk::core::link {

const char* const kTlsModuleFile = RTK_TLS_MODULE_FILE;

namespace {

// Any object of this file: dladdr names the shared object (or program) it is in.
const char kAnchor = 0;

std::string folderOfThisCode() {
  Dl_info info{};
  if (::dladdr(&kAnchor, &info) == 0 || !info.dli_fname) return {};
  std::string path = info.dli_fname;
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

void* openModule(const std::string& file, std::string& tried) {
  std::vector<std::string> candidates;
  if (file.find('/') == std::string::npos) {
    std::string folder = folderOfThisCode();
    if (!folder.empty()) {
      candidates.push_back(folder + "/ratatoskr/" + file);  // installed
      candidates.push_back(folder + "/" + file);            // the build tree
    }
  }
  candidates.push_back(file);
  for (const auto& candidate : candidates) {
    if (void* handle = ::dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL)) return handle;
    const char* why = ::dlerror();
    if (!tried.empty()) tried += "; ";
    tried += why ? why : candidate + ": unknown dlopen failure";
  }
  return nullptr;
}

}  // namespace

std::unique_ptr<const TlsProvider> loadTlsProvider(const crypto::SigningKey& key, const std::string& moduleFile) {
  std::string tried;
  void* handle = openModule(moduleFile, tried);
  if (!handle) {
    throw Error(Errc::NotSupported, "tls: tls, wss and sockstls links need the TLS module " + moduleFile +
                                        ", which cannot be loaded (" + tried +
                                        "); it is installed in the ratatoskr/ folder beside libratatoskr.so");
  }
  ::dlerror();
  void* symbol = ::dlsym(handle, RTK_TLS_PROVIDER_ENTRY_SYMBOL);
  if (!symbol) {
    throw Error(Errc::Abi, "tls: " + moduleFile + " has no " RTK_TLS_PROVIDER_ENTRY_SYMBOL
                           " entry: it is not the TLS module of this ratatoskr version");
  }
  auto entry = reinterpret_cast<TlsProviderEntry>(symbol);
  auto seed = key.seed();
  std::string error;
  std::unique_ptr<const TlsProvider> provider(entry(seed.data(), seed.size(), &error));
  if (!provider) throw Error(Errc::Io, error.empty() ? "tls: the TLS module failed without a reason" : error);
  return provider;
}

}  // namespace rtk::core::link
