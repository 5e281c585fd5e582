// AskTiming — AskOptions' durations with the defaults and the Go rules
// applied once: zero means the default, a negative limit means none, a
// negative retry pause means one attempt, a negative lookup interval is
// refused (rtk::Error InvalidArgument naming the option).
// Plain value, thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "ratatoskr/error.hpp"
#include "ratatoskr/ninfo.hpp"

namespace rtk::ninfo {

struct AskTiming {
  using ms = std::chrono::milliseconds;
  std::optional<ms> maxAskTime;     // none: retry as long as someone waits
  std::optional<ms> askRetryPause;  // none: one attempt
  ms lookupInterval{100};
  std::optional<ms> maxLookupTime;  // none: resolve as long as someone waits

  static AskTiming from(const AskOptions& o) {
    if (o.lookupInterval.count() < 0) {
      throw Error(Errc::InvalidArgument,
                  "ninfo: LookupInterval is negative (" + std::to_string(o.lookupInterval.count()) + " ms)");
    }
    const AskOptions defaults;
    auto limit = [](ms value, ms fallback) -> std::optional<ms> {
      if (value.count() < 0) return std::nullopt;
      return value.count() == 0 ? fallback : value;
    };
    AskTiming t;
    t.maxAskTime = limit(o.maxAskTime, defaults.maxAskTime);
    t.askRetryPause = limit(o.askRetryPause, defaults.askRetryPause);
    t.lookupInterval = o.lookupInterval.count() == 0 ? defaults.lookupInterval : o.lookupInterval;
    t.maxLookupTime = limit(o.maxLookupTime, defaults.maxLookupTime);
    return t;
  }
};

}  // namespace rtk::ninfo
