// The one place that knows our host's conf format.
//
// host/config is designed by another engineer: JSON with comments, node
// fields named as in yggdrasil.conf, plus "Plugins" and "Modules" sections.
// When that format changes, this function is the only thing to adjust.
#pragma once

#include "NodeSpec.hpp"

#include <string>

namespace rtk::interop {

// The conf text for `spec`, with AdminListen = adminEndpoint
// ("unix:///.../admin.sock"). Plugins/Modules are written only when set.
std::string renderOurNodeConf(const NodeSpec& spec, const std::string& adminEndpoint);

}  // namespace rtk::interop
