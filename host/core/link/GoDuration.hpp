// Go's time.ParseDuration syntax, for the maxbackoff= peer URI option.
//
// A possibly signed sequence of decimal numbers, each with an optional
// fraction and a unit suffix: "300ms", "1.5h", "2h45m", "-1m". Units are
// ns, us, µs (U+00B5), μs (U+03BC), ms, s, m, h; "0" alone is zero. Values
// beyond Go's int64 nanoseconds are rejected, as Go does.
// Pure function, thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace rtk::core::link {

// nullopt when `text` is not a valid Go duration.
std::optional<std::chrono::nanoseconds> parseGoDuration(std::string_view text);

}  // namespace rtk::core::link
