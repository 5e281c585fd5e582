#include "core/admin/GoHex.hpp"

#include <cstdio>

namespace rtk::core::admin {

namespace {

int nibble(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go formats the offending byte as a rune with %#U: "U+0067 'g'", the quoted
// character only when strconv.IsPrint holds. For U+0000..U+00FF that is
// 0x20-0x7E and 0xA1-0xFF except U+00AD (soft hyphen).
std::string invalidByte(unsigned char c) {
  char code[16];
  std::snprintf(code, sizeof code, "U+%04X", c);
  std::string s = std::string("encoding/hex: invalid byte: ") + code;
  bool printable = (c >= 0x20 && c <= 0x7e) || (c >= 0xa1 && c != 0xad);
  if (!printable) return s;
  s += " '";
  if (c < 0x80) {
    s.push_back(static_cast<char>(c));
  } else {
    s.push_back(static_cast<char>(0xc0 | c >> 6));
    s.push_back(static_cast<char>(0x80 | (c & 0x3f)));
  }
  s += "'";
  return s;
}

}  // namespace

std::optional<std::string> GoHex::decode(std::string_view text, Bytes& out) {
  out.clear();
  out.reserve(text.size() / 2);
  std::size_t j = 1;
  for (; j < text.size(); j += 2) {
    auto p = static_cast<unsigned char>(text[j - 1]), q = static_cast<unsigned char>(text[j]);
    int a = nibble(p), b = nibble(q);
    if (a < 0) return invalidByte(p);
    if (b < 0) return invalidByte(q);
    out.push_back(static_cast<std::uint8_t>(a << 4 | b));
  }
  if (text.size() % 2 == 1) {
    // An invalid last byte is reported before the odd length, as Go does.
    auto last = static_cast<unsigned char>(text[j - 1]);
    if (nibble(last) < 0) return invalidByte(last);
    return std::string("encoding/hex: odd length hex string");
  }
  return std::nullopt;
}

}  // namespace rtk::core::admin
