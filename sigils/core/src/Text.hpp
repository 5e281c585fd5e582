// Text rules the built-in sigils share, with Go's meaning (the Go ratatoskr
// validates with utf8.RuneCountInString, unicode.IsPrint, strings.TrimSpace
// and RE2 patterns of one ASCII character class): counts are in Unicode code
// points, "printable" is general category L, M, N, P or S or the ASCII space
// (Unicode 15.0, as Go 1.21+), spaces are Go's unicode.IsSpace.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtk::sigils::text {

// The code points of `s`, or nullopt when it is not valid UTF-8 (overlong
// forms, surrogates and values past U+10FFFF included).
std::optional<std::vector<char32_t>> decodeUtf8(std::string_view s);

// Go's unicode.IsPrint.
bool isPrintable(char32_t c);
// Go's unicode.IsSpace.
bool isSpace(char32_t c);

// Go's strings.TrimSpace: leading and trailing isSpace() code points removed
// (trimming stops at bytes that are not valid UTF-8).
std::string_view trimSpace(std::string_view s);

// "" when `s` is text a person wrote: minRunes..maxRunes code points, each
// printable, neither first nor last a space; otherwise what is wrong.
std::string humanTextProblem(std::string_view s, std::size_t minRunes, std::size_t maxRunes);

// `s` for a message: in double quotes, printable ASCII as is (quotes and
// backslashes escaped), other bytes as \xNN, cut after 64 bytes with "...".
std::string quoted(std::string_view s);

// ^[<chars>]{min,max}$ over ASCII: the only kind of pattern the sigils use.
class Pattern {
 public:
  constexpr Pattern(std::string_view regex, std::string_view chars, std::size_t minLength, std::size_t maxLength)
      : regex_(regex), minLength_(minLength), maxLength_(maxLength) {
    for (char c : chars) allowed_[static_cast<unsigned char>(c) & 0x7f] = true;
  }
  bool matches(std::string_view s) const noexcept {
    if (s.size() < minLength_ || s.size() > maxLength_) return false;
    for (char c : s) {
      auto b = static_cast<unsigned char>(c);
      if (b >= 0x80 || !allowed_[b]) return false;
    }
    return true;
  }
  // "" when `s` matches, else "<quoted s> does not match <regex>".
  std::string problem(std::string_view s) const;
  std::string_view regex() const noexcept { return regex_; }

 private:
  std::string_view regex_;
  std::size_t minLength_;
  std::size_t maxLength_;
  bool allowed_[128] = {};
};

inline constexpr std::string_view kLower = "abcdefghijklmnopqrstuvwxyz";
inline constexpr std::string_view kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
inline constexpr std::string_view kDigits = "0123456789";

}  // namespace rtk::sigils::text
