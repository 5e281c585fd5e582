#include "core/link/GoDuration.hpp"

#include <cstdint>
#include <limits>

namespace rtk::core::link {
namespace {

struct Unit {
  std::string_view name;
  std::uint64_t nanos;
};

// Longest names first so "ms" is not taken for "m" followed by "s".
constexpr Unit kUnits[] = {
    {"ns", 1},
    {"us", 1000},
    {"\xc2\xb5s", 1000},  // U+00B5 MICRO SIGN
    {"\xce\xbcs", 1000},  // U+03BC GREEK SMALL LETTER MU
    {"ms", 1000000},
    {"s", 1000000000ull},
    {"m", 60ull * 1000000000ull},
    {"h", 3600ull * 1000000000ull},
};

bool isDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<std::chrono::nanoseconds> parseGoDuration(std::string_view s) {
  // The limit Go enforces: the magnitude must fit an int64 (1<<63 only when negative).
  constexpr std::uint64_t kMax = std::uint64_t(1) << 63;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return std::nullopt;

  std::uint64_t total = 0;
  while (!s.empty()) {
    // Integer part.
    std::uint64_t whole = 0;
    bool haveWhole = false, overflow = false;
    while (!s.empty() && isDigit(s[0])) {
      haveWhole = true;
      if (whole > (kMax - 9) / 10) overflow = true;
      if (!overflow) whole = whole * 10 + std::uint64_t(s[0] - '0');
      s.remove_prefix(1);
    }
    if (overflow) return std::nullopt;
    // Fraction: kept as digits/scale, extra digits past 1e18 precision dropped.
    std::uint64_t frac = 0, scale = 1;
    bool haveFrac = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      while (!s.empty() && isDigit(s[0])) {
        haveFrac = true;
        if (scale <= std::uint64_t(1e17)) {
          frac = frac * 10 + std::uint64_t(s[0] - '0');
          scale *= 10;
        }
        s.remove_prefix(1);
      }
    }
    if (!haveWhole && !haveFrac) return std::nullopt;  // "." or ".s"
    // Unit: the run of non-digit, non-dot characters.
    std::size_t unitLen = 0;
    while (unitLen < s.size() && s[unitLen] != '.' && !isDigit(s[unitLen])) ++unitLen;
    if (unitLen == 0) return std::nullopt;  // a unit is required
    std::string_view unitName = s.substr(0, unitLen);
    s.remove_prefix(unitLen);
    const Unit* unit = nullptr;
    for (const auto& u : kUnits)
      if (u.name == unitName) unit = &u;
    if (!unit) return std::nullopt;

    if (whole > kMax / unit->nanos) return std::nullopt;
    std::uint64_t value = whole * unit->nanos;
    if (frac > 0) {
      // frac/scale < 1 and unit <= 3.6e12, so the product stays within long double's range.
      long double part = static_cast<long double>(frac) * static_cast<long double>(unit->nanos) /
                         static_cast<long double>(scale);
      value += static_cast<std::uint64_t>(part);
      if (value > kMax) return std::nullopt;
    }
    total += value;
    if (total > kMax) return std::nullopt;
  }
  if (!negative && total > kMax - 1) return std::nullopt;
  auto signedTotal = negative ? -static_cast<std::int64_t>(total - 1) - 1 : static_cast<std::int64_t>(total);
  return std::chrono::nanoseconds(signedTotal);
}

}  // namespace rtk::core::link
