#include "Tools.hpp"

#include <ratatoskr/error.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <vector>

#ifndef RTK_INTEROP_XFER_BINARY
#error "CMake passes RTK_INTEROP_XFER_BINARY (tests/interop/harness/CMakeLists.txt)"
#endif
#ifndef RTK_INTEROP_RELAY_BINARY
#error "CMake passes RTK_INTEROP_RELAY_BINARY (tests/interop/harness/CMakeLists.txt)"
#endif
#ifndef RTK_INTEROP_HOST_BINARY
#define RTK_INTEROP_HOST_BINARY ""
#endif
#ifndef RTK_INTEROP_PLUGIN_DIR
#define RTK_INTEROP_PLUGIN_DIR ""
#endif

namespace rtk::interop {
namespace {

std::string envOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

bool isExecutable(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

std::string requireBuilt(const std::string& path, const char* target) {
  if (!isExecutable(path)) {
    throw Error(Errc::NotFound, std::string("interop: ") + target + " is not built at " + path +
                                    ": build it with `cmake --build <dir> --target " + target + "`");
  }
  return path;
}

}  // namespace

std::string Tools::find(const std::string& program) {
  std::vector<std::string> dirs;
  std::stringstream path(envOr("PATH", "/usr/bin:/bin"));
  for (std::string dir; std::getline(path, dir, ':');) {
    if (!dir.empty()) dirs.push_back(dir);
  }
  for (const char* extra : {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) dirs.emplace_back(extra);
  for (const auto& dir : dirs) {
    const auto candidate = std::filesystem::path(dir) / program;
    if (isExecutable(candidate)) return candidate.string();
  }
  throw Error(Errc::NotFound, "interop: program `" + program +
                                  "` not found on PATH or in /usr/sbin; .ci/install-deps installs it");
}

std::string Tools::yggdrasil() { return envOr("RTK_INTEROP_YGGDRASIL", find("yggdrasil")); }

std::string Tools::yggdrasilctl() {
  return envOr("RTK_INTEROP_YGGDRASILCTL", find("yggdrasilctl"));
}

std::string Tools::ip() { return find("ip"); }

std::string Tools::xfer() { return requireBuilt(RTK_INTEROP_XFER_BINARY, "rtk_interop_xfer"); }

std::string Tools::relay() { return requireBuilt(RTK_INTEROP_RELAY_BINARY, "rtk_interop_relay"); }

std::string Tools::host() {
  const std::string path = envOr("RTK_INTEROP_HOST", RTK_INTEROP_HOST_BINARY);
  if (path.empty()) {
    throw Error(Errc::NotFound,
                "interop: the ratatoskr host (target ratatoskr-host) does not exist in this tree yet; "
                "set RTK_INTEROP_HOST to a built binary");
  }
  return requireBuilt(path, "ratatoskr-host");
}

std::string Tools::pluginDir() { return envOr("RTK_INTEROP_PLUGIN_DIR", RTK_INTEROP_PLUGIN_DIR); }

void Tools::requireInteropPrivileges() {
  if (::geteuid() != 0) {
    throw Error(Errc::Io,
                "interop: this test needs root (it creates network namespaces, veth links and TUN "
                "devices); run it as root, e.g. `sudo ctest -L interop`");
  }
  if (::access("/dev/net/tun", R_OK | W_OK) != 0) {
    throw Error(Errc::Io, "interop: /dev/net/tun is missing or not accessible; real nodes need TUN");
  }
  ip();
  yggdrasil();
  yggdrasilctl();
}

}  // namespace rtk::interop
