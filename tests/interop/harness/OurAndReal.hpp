// The commonest lab of the plugin tests: our host "o" listening on tcp over
// a veth, and a real yggdrasil 0.5.12 node "r" peering to it. The specs come
// back unadded, for the test to adjust (plugins, modules, NodeInfo, user)
// before Lab::addOurNode / addRealNode.
// Thread-safety: one thread, like Lab.
#pragma once

#include "Lab.hpp"

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace rtk::interop {

struct OurAndRealPlan {
  Netns& nsO;
  Netns& nsR;
  std::string oUri;  // o's Listen URI, r's peer
  NodeSpec oSpec;    // name "o", listen {oUri}
  NodeSpec rSpec;    // name "r", peers {oUri}
};

OurAndRealPlan planOurAndReal(Lab& lab, int port);

// A "Plugins" section enabling `names`.
Poco::JSON::Object::Ptr enabledPlugins(const std::vector<std::string>& names);

// Waits until `ours` lists exactly one peer, and it is up.
void waitOnePeerUp(const Node& ours, int timeoutMs);

}  // namespace rtk::interop
