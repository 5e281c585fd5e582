// rtk::nodeCounters — the layers' running totals under stable names, for
// monitoring (rtk::Node::counters(); the metrics plugin turns each into
// ratatoskr_<name>). Reads atomics, and the proto thread's totals through
// one call to it. Any thread, while the core and the stack are running.
#pragma once

#include <vector>

#include "core/multicast/Multicast.hpp"
#include "core/node/Core.hpp"
#include "netstack/Netstack.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk {

// multicast: the discovery's totals, null when it is off (its counters are then absent).
std::vector<NodeCounter> nodeCounters(core::node::Core& core, netstack::Netstack& stack,
                                      const core::multicast::MulticastStats* multicast);

}  // namespace rtk
