#include "Text.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace rtk::sigils::text {
namespace {

struct CodePointRange {
  std::uint32_t first;
  std::uint32_t last;
};

constexpr CodePointRange kPrintableRanges[] = {
#include "PrintableRanges.inc"
};

// One code point from the front of `s`: its value and byte length, or
// length 0 when the bytes there are not valid UTF-8.
struct Decoded {
  char32_t value = 0;
  std::size_t length = 0;
};

Decoded decodeOne(std::string_view s) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  if (s.empty()) return {};
  unsigned char b0 = byte(0);
  if (b0 < 0x80) return {b0, 1};
  std::size_t length = 0;
  char32_t value = 0, minimum = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2, value = b0 & 0x1F, minimum = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, value = b0 & 0x0F, minimum = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, value = b0 & 0x07, minimum = 0x10000;
  } else {
    return {};
  }
  if (s.size() < length) return {};
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return {};
    value = (value << 6) | (byte(i) & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {};
  return {value, length};
}

// The code point ending at the back of `s`, as decodeOne.
Decoded decodeLast(std::string_view s) {
  std::size_t start = s.size();
  for (std::size_t n = 0; n < 4 && start > 0; ++n) {
    --start;
    if ((static_cast<unsigned char>(s[start]) & 0xC0) != 0x80) break;
  }
  Decoded d = decodeOne(s.substr(start));
  return d.length == s.size() - start ? d : Decoded{};
}

std::string codePointName(char32_t c) {
  static const char* hex = "0123456789ABCDEF";
  std::string digits;
  for (auto v = static_cast<std::uint32_t>(c); v != 0 || digits.size() < 4; v >>= 4) digits.insert(digits.begin(), hex[v & 0xF]);
  return "U+" + digits;
}

}  // namespace

std::optional<std::vector<char32_t>> decodeUtf8(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  while (!s.empty()) {
    Decoded d = decodeOne(s);
    if (d.length == 0) return std::nullopt;
    out.push_back(d.value);
    s.remove_prefix(d.length);
  }
  return out;
}

bool isPrintable(char32_t c) {
  auto v = static_cast<std::uint32_t>(c);
  auto it = std::upper_bound(std::begin(kPrintableRanges), std::end(kPrintableRanges), v,
                             [](std::uint32_t value, const CodePointRange& r) { return value < r.first; });
  return it != std::begin(kPrintableRanges) && v <= std::prev(it)->last;
}

bool isSpace(char32_t c) {
  switch (c) {
    case U'\t':
    case U'\n':
    case U'\v':
    case U'\f':
    case U'\r':
    case U' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000: return true;
    default: return c >= 0x2000 && c <= 0x200A;
  }
}

std::string_view trimSpace(std::string_view s) {
  while (!s.empty()) {
    Decoded d = decodeOne(s);
    if (d.length == 0 || !isSpace(d.value)) break;
    s.remove_prefix(d.length);
  }
  while (!s.empty()) {
    Decoded d = decodeLast(s);
    if (d.length == 0 || !isSpace(d.value)) break;
    s.remove_suffix(d.length);
  }
  return s;
}

std::string humanTextProblem(std::string_view s, std::size_t minRunes, std::size_t maxRunes) {
  auto runes = decodeUtf8(s);
  if (!runes) return "is not valid UTF-8";
  std::string rule = "must be " + std::to_string(minRunes) + " to " + std::to_string(maxRunes) +
                     " printable characters without leading or trailing spaces";
  if (runes->size() < minRunes || runes->size() > maxRunes)
    return rule + ", it has " + std::to_string(runes->size());
  for (std::size_t i = 0; i < runes->size(); ++i) {
    if (!isPrintable((*runes)[i]))
      return rule + ", character " + std::to_string(i + 1) + " (" + codePointName((*runes)[i]) + ") is not printable";
  }
  if (runes->front() == U' ') return rule + ", it starts with a space";
  if (runes->back() == U' ') return rule + ", it ends with a space";
  return {};
}

std::string quoted(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  constexpr std::size_t kMaxBytes = 64;
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < kMaxBytes; ++i) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b == '"' || b == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(b));
    } else if (b >= 0x20 && b < 0x7f) {
      out.push_back(static_cast<char>(b));
    } else {
      out += "\\x";
      out.push_back(hex[b >> 4]);
      out.push_back(hex[b & 0xF]);
    }
  }
  out += s.size() > kMaxBytes ? "\"..." : "\"";
  return out;
}

std::string Pattern::problem(std::string_view s) const {
  if (matches(s)) return {};
  return quoted(s) + " does not match " + std::string(regex_);
}

}  // namespace rtk::sigils::text
