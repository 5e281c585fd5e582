#include "core/proto/JsonWriter.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

#include "core/proto/JsonScanner.hpp"

namespace rtk::core::proto {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Length of a valid UTF-8 sequence at s[i], 0 when invalid (Go's
// utf8.DecodeRune rules: no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t validRuneLength(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  auto cont = [&](std::size_t k, std::uint8_t lo = 0x80, std::uint8_t hi = 0xbf) {
    return k < s.size() && b(k) >= lo && b(k) <= hi;
  };
  std::uint8_t c0 = b(i);
  if (c0 >= 0xc2 && c0 <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (c0 >= 0xe0 && c0 <= 0xef) {
    std::uint8_t lo = c0 == 0xe0 ? 0xa0 : 0x80, hi = c0 == 0xed ? 0x9f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (c0 >= 0xf0 && c0 <= 0xf4) {
    std::uint8_t lo = c0 == 0xf0 ? 0x90 : 0x80, hi = c0 == 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

void appendQuoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<std::uint8_t>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out += "\\u00";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xf]);
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    std::size_t n = validRuneLength(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (n == 3 && c == 0xe2 && static_cast<std::uint8_t>(s[i + 1]) == 0x80 &&
        (static_cast<std::uint8_t>(s[i + 2]) & 0xfe) == 0xa8) {
      out += "\\u202";
      out.push_back(kHex[static_cast<std::uint8_t>(s[i + 2]) & 0xf]);
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  out.push_back('"');
}

void newline(std::string& out, std::string_view unit, int depth) {
  out.push_back('\n');
  for (int i = 0; i < depth; ++i) out.append(unit);
}

}  // namespace

void JsonWriter::separate() {
  if (afterKey_) {
    afterKey_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::beginObject() {
  separate();
  out_.push_back('{');
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::endObject() {
  out_.push_back('}');
  if (!first_.empty()) first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::beginArray() {
  separate();
  out_.push_back('[');
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::endArray() {
  out_.push_back(']');
  if (!first_.empty()) first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  appendQuoted(out_, name);
  out_.push_back(':');
  afterKey_ = true;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view s) {
  separate();
  appendQuoted(out_, s);
  return *this;
}

JsonWriter& JsonWriter::uint(std::uint64_t v) {
  separate();
  out_ += std::to_string(v);
  return *this;
}

JsonWriter& JsonWriter::integer(std::int64_t v) {
  separate();
  out_ += std::to_string(v);
  return *this;
}

JsonWriter& JsonWriter::number(double v) {
  separate();
  out_ += std::isfinite(v) ? formatFloat(v) : std::string("null");
  return *this;
}

JsonWriter& JsonWriter::boolean(bool v) {
  separate();
  out_ += v ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}

bool JsonWriter::raw(std::string_view json) {
  auto c = compact(json);
  if (!c) return false;
  separate();
  out_ += *c;
  return true;
}

std::string JsonWriter::quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  appendQuoted(out, s);
  return out;
}

std::string JsonWriter::formatFloat(double v) {
  char buf[64];
  double a = std::fabs(v);
  bool exponent = a != 0 && (a < 1e-6 || a >= 1e21);
  auto res = std::to_chars(buf, buf + sizeof buf, v,
                           exponent ? std::chars_format::scientific : std::chars_format::fixed);
  if (res.ec != std::errc()) return "0";
  std::string s(buf, res.ptr);
  if (exponent) {
    // Go writes exponents without a leading zero: 1e-07 becomes 1e-7.
    std::size_t n = s.size();
    if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') s.erase(n - 2, 1);
  }
  return s;
}

std::optional<std::string> JsonWriter::compact(std::string_view json) {
  if (!JsonScanner::isValid(json)) return std::nullopt;
  std::string out;
  out.reserve(json.size());
  bool inString = false, escaped = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    auto c = static_cast<std::uint8_t>(json[i]);
    if (c == '<' || c == '>' || c == '&') {
      out += "\\u00";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
      continue;
    }
    if (c == 0xe2 && i + 2 < json.size() && static_cast<std::uint8_t>(json[i + 1]) == 0x80 &&
        (static_cast<std::uint8_t>(json[i + 2]) & 0xfe) == 0xa8) {
      out += "\\u202";
      out.push_back(kHex[static_cast<std::uint8_t>(json[i + 2]) & 0xf]);
      i += 2;
      continue;
    }
    if (inString) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        inString = false;
      }
      out.push_back(static_cast<char>(c));
      continue;
    }
    if (JsonScanner::isSpace(c)) continue;
    if (c == '"') inString = true;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

std::string JsonWriter::indent(std::string_view json, std::string_view unit) {
  std::string out;
  out.reserve(json.size() * 2);
  bool inString = false, escaped = false, needIndent = false;
  int depth = 0;
  for (char ch : json) {
    auto c = static_cast<std::uint8_t>(ch);
    if (inString) {
      out.push_back(ch);
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        inString = false;
      }
      continue;
    }
    if (JsonScanner::isSpace(c)) continue;
    if (needIndent && c != '}' && c != ']') {
      needIndent = false;
      newline(out, unit, ++depth);
    }
    switch (c) {
      case '{':
      case '[':
        // An empty container stays "{}" / "[]": the newline waits for content.
        needIndent = true;
        out.push_back(ch);
        break;
      case ',':
        out.push_back(ch);
        newline(out, unit, depth);
        break;
      case ':':
        out += ": ";
        break;
      case '}':
      case ']':
        if (needIndent) {
          needIndent = false;
        } else {
          newline(out, unit, --depth);
        }
        out.push_back(ch);
        break;
      case '"':
        inString = true;
        out.push_back(ch);
        break;
      default:
        out.push_back(ch);
    }
  }
  return out;
}

}  // namespace rtk::core::proto
