// Counters — what one mapping has done, read by the getForwards admin
// command while traffic flows. Relaxed atomics: each number is exact, a
// snapshot of several is not taken at one instant.
#pragma once

#include <atomic>
#include <cstdint>

#include "ratatoskr/json.hpp"

namespace rtk::plugins::forward {

struct Counters {
  using Counter = std::atomic<std::uint64_t>;
  // TCP
  Counter accepted{0};          // connections accepted by the listener
  Counter active{0};            // connections or sessions now open
  Counter overLimit{0};         // refused: MaxTCPConnections / MaxUDPSessions reached
  Counter denied{0};            // refused: caller not on the allow list
  Counter dialFailures{0};      // the mapped side could not be reached
  Counter bytesIn{0};           // listener side -> mapped side
  Counter bytesOut{0};          // mapped side -> listener side
  // UDP
  Counter sessions{0};          // sessions opened
  Counter datagramsIn{0};
  Counter datagramsOut{0};
  Counter sessionDrops{0};      // datagrams toward the mapped side dropped (no session, send failed)
  Counter reverseDrops{0};      // replies dropped (client not writable within UDPWriteTimeout)
  Counter oversize{0};          // datagrams above the packet size, dropped
  Counter terminalErrors{0};    // the accept/receive loop gave up

  static std::uint64_t get(const Counter& c) { return c.load(std::memory_order_relaxed); }
  static void add(Counter& c, std::uint64_t n = 1) { c.fetch_add(n, std::memory_order_relaxed); }
  static void sub(Counter& c) { c.fetch_sub(1, std::memory_order_relaxed); }

  json::Value toJson(bool tcp) const {
    auto o = json::Value::object();
    o.set("active", get(active));
    if (tcp) {
      o.set("accepted", get(accepted));
      o.set("bytes_in", get(bytesIn));
      o.set("bytes_out", get(bytesOut));
    } else {
      o.set("sessions", get(sessions));
      o.set("datagrams_in", get(datagramsIn));
      o.set("datagrams_out", get(datagramsOut));
      o.set("bytes_in", get(bytesIn));
      o.set("bytes_out", get(bytesOut));
      o.set("session_drops", get(sessionDrops));
      o.set("reverse_drops", get(reverseDrops));
      o.set("oversize", get(oversize));
    }
    o.set("over_limit", get(overLimit));
    o.set("denied", get(denied));
    o.set("dial_failures", get(dialFailures));
    o.set("terminal_errors", get(terminalErrors));
    return o;
  }
};

}  // namespace rtk::plugins::forward
