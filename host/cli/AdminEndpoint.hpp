// The admin socket a client command talks to: --admin when given, else the
// AdminListen of --config (or of conf/ratatoskr.conf when it exists).
// Throws rtk::Error(Config) when there is no conf to read or its AdminListen
// is "none". Shared by `ratatoskr ask` and `ratatoskr probe`.
#pragma once

#include <string>

namespace rtk::host::cli {

std::string adminEndpointFor(const std::string& adminOption, const std::string& confPath);

}  // namespace rtk::host::cli
