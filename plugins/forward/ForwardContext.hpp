// ForwardContext — what every mapping of the plugin shares: the node's
// network (and, when enabled, its diagnostics for naming callers), the
// settings, the plugin-wide connection and session counts the limits apply
// to, the reaper, and the stop signal that cuts every wait short.
// Lives from the plugin's start() to the end of its stop().
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "ForwardSettings.hpp"
#include "HostSocket.hpp"
#include "RateLimit.hpp"
#include "Reaper.hpp"
#include "ratatoskr/cancel.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk::plugins::forward {

struct ForwardContext {
  ForwardContext(NetworkInterface& net, DiagnosticInterface* diag, const ForwardSettings& s, Log l, Reaper& r,
                 std::size_t maxPacketBytes)
      : network(net), diagnostics(diag), settings(s), log(std::move(l)), reaper(r), maxPacket(maxPacketBytes) {}
  ForwardContext(const ForwardContext&) = delete;
  ForwardContext& operator=(const ForwardContext&) = delete;

  NetworkInterface& network;
  DiagnosticInterface* diagnostics;  // null when the plugin runs without it
  const ForwardSettings& settings;
  Log log;
  Reaper& reaper;
  std::size_t maxPacket;             // UDP payload limit in effect
  std::atomic<std::size_t> activeTcp{0};
  std::atomic<std::size_t> activeUdp{0};
  Waker stopping;                    // fired once at stop
  CancelSource cancel;               // cancels Yggdrasil dials at stop

  // "now + d", or no deadline when d is zero.
  static Deadline after(std::chrono::milliseconds d) {
    if (d.count() <= 0) return std::nullopt;
    return Clock::now() + d;
  }
  // The caller's full key when a session with a matching key exists (the
  // address carries only the key's leading bits); empty otherwise.
  std::optional<PublicKey> keyOf(const Ip6Address& address) const;
};

}  // namespace rtk::plugins::forward
