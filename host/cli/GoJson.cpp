#include "cli/GoJson.hpp"

#include <charconv>
#include <cmath>

namespace rtk::host::cli {

namespace {

void writeString(std::string& out, const std::string& s) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      default: break;
    }
    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 0x0f];
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8 / E2 80 A9) break JavaScript; Go escapes them.
    if (c == 0xe2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) == 0xa8 || static_cast<unsigned char>(s[i + 2]) == 0xa9)) {
      out += static_cast<unsigned char>(s[i + 2]) == 0xa8 ? "\\u2028" : "\\u2029";
      i += 2;
      continue;
    }
    out += static_cast<char>(c);
  }
  out += '"';
}

// Go: 'f' format for 1e-6 <= |x| < 1e21, else 'e' with a two-digit-at-least exponent cleaned to
// its shortest ("1e-07" -> "1e-7"); always the shortest digits that read back the same.
void writeDouble(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  char buf[64];
  const double a = std::fabs(d);
  const bool exponent = a != 0 && (a < 1e-6 || a >= 1e21);
  auto r = std::to_chars(buf, buf + sizeof buf, d, exponent ? std::chars_format::scientific : std::chars_format::fixed);
  std::string text(buf, r.ptr);
  if (exponent) {
    auto e = text.find('e');
    if (e != std::string::npos && e + 3 < text.size() && text[e + 2] == '0') text.erase(e + 2, 1);
  }
  out += text;
}

void write(std::string& out, const json::Value& v, int depth) {
  auto newline = [&](int d) {
    out += '\n';
    out.append(static_cast<std::size_t>(2 * d), ' ');
  };
  switch (v.type()) {
    case json::Type::Null: out += "null"; return;
    case json::Type::Bool: out += v.asBool() ? "true" : "false"; return;
    case json::Type::Int: out += std::to_string(v.asInt64()); return;
    case json::Type::Uint: out += std::to_string(v.asUint64()); return;
    case json::Type::Double: writeDouble(out, v.asDouble()); return;
    case json::Type::String: writeString(out, v.asString()); return;
    case json::Type::Array:
    case json::Type::Object: {
      const bool object = v.isObject();
      out += object ? '{' : '[';
      if (v.empty()) {
        out += object ? '}' : ']';
        return;
      }
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) out += ',';
        newline(depth + 1);
        if (object) {
          writeString(out, v.keyAt(i));
          out += ": ";
        }
        write(out, v.at(i), depth + 1);
      }
      newline(depth);
      out += object ? '}' : ']';
      return;
    }
  }
}

}  // namespace

std::string goIndentedJson(const json::Value& value) {
  std::string out;
  write(out, value, 0);
  return out;
}

}  // namespace rtk::host::cli
