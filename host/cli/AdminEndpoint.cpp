#include "cli/AdminEndpoint.hpp"

#include <filesystem>

#include "config/ConfParser.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::host::cli {

std::string adminEndpointFor(const std::string& adminOption, const std::string& confPath) {
  constexpr const char* kDefaultConf = "conf/ratatoskr.conf";
  if (!adminOption.empty()) return adminOption;
  std::string path = confPath;
  if (path.empty() && std::filesystem::exists(kDefaultConf)) path = kDefaultConf;
  if (path.empty()) throw Error(Errc::Config, "no conf to read AdminListen from (give --config FILE or --admin ENDPOINT)");
  const std::string endpoint = ConfParser::parseFile(path).node.adminListen;
  if (endpoint.empty() || endpoint == "none") {
    throw Error(Errc::Config, path + ": AdminListen is \"none\": the host has no admin socket to ask through");
  }
  return endpoint;
}

}  // namespace rtk::host::cli
