// InboundLimits — how many accepted connections may be handshaking at once.
// Every inbound connection costs a link thread and a socket until its
// handshake ends (up, refused or timed out after inboundSetupTimeout +
// handshakeTimeout), so a flood of half-open connections would otherwise
// grow threads without bound. Beyond either cap a new connection is closed
// at once, counted, and logged (at most one warning a second). Established
// links do not count: a public node keeps every peer it has.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rtk::core::link {

struct InboundLimits {
  std::size_t maxPendingHandshakes = 128;           // all sources together
  std::size_t maxPendingHandshakesPerSource = 16;   // per remote IP address
};

// Totals since start (LinkManager::inboundRefusals()).
struct InboundRefusals {
  std::uint64_t pendingCap = 0;   // maxPendingHandshakes reached
  std::uint64_t perSourceCap = 0; // maxPendingHandshakesPerSource reached for that address
};

}  // namespace rtk::core::link
