#pragma once

#include <string>

namespace rtk::host {

// A name as the runtime's messages show it: "socks".
inline std::string inQuotes(const std::string& s) { return "\"" + s + "\""; }

}  // namespace rtk::host
