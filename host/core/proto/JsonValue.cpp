#include "core/proto/JsonValue.hpp"

#include "core/proto/JsonScanner.hpp"

namespace rtk::core::proto {

namespace {

// Decodes one UTF-8 sequence the way Go's utf8.DecodeRune does: overlong
// forms, surrogates and values above U+10FFFF are invalid, and an invalid
// sequence consumes exactly one byte. Returns the code point, or -1 with
// size 1 when invalid.
std::int32_t decodeRune(std::string_view s, std::size_t& size) {
  auto b = [&](std::size_t i) { return static_cast<std::uint8_t>(s[i]); };
  size = 1;
  if (s.empty()) return -1;
  std::uint8_t c0 = b(0);
  if (c0 < 0x80) return c0;
  auto cont = [&](std::size_t i, std::uint8_t lo = 0x80, std::uint8_t hi = 0xbf) {
    return i < s.size() && b(i) >= lo && b(i) <= hi;
  };
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    if (!cont(1)) return -1;
    size = 2;
    return (c0 & 0x1f) << 6 | (b(1) & 0x3f);
  }
  if (c0 >= 0xe0 && c0 <= 0xef) {
    std::uint8_t lo = c0 == 0xe0 ? 0xa0 : 0x80, hi = c0 == 0xed ? 0x9f : 0xbf;
    if (!cont(1, lo, hi) || !cont(2)) return -1;
    size = 3;
    return (c0 & 0x0f) << 12 | (b(1) & 0x3f) << 6 | (b(2) & 0x3f);
  }
  if (c0 >= 0xf0 && c0 <= 0xf4) {
    std::uint8_t lo = c0 == 0xf0 ? 0x90 : 0x80, hi = c0 == 0xf4 ? 0x8f : 0xbf;
    if (!cont(1, lo, hi) || !cont(2) || !cont(3)) return -1;
    size = 4;
    return (c0 & 0x07) << 18 | (b(1) & 0x3f) << 12 | (b(2) & 0x3f) << 6 | (b(3) & 0x3f);
  }
  return -1;
}

void appendRune(std::string& out, std::int32_t r) {
  if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = 0xfffd;
  if (r < 0x80) {
    out.push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out.push_back(static_cast<char>(0xc0 | r >> 6));
    out.push_back(static_cast<char>(0x80 | (r & 0x3f)));
  } else if (r < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | r >> 12));
    out.push_back(static_cast<char>(0x80 | (r >> 6 & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | r >> 18));
    out.push_back(static_cast<char>(0x80 | (r >> 12 & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (r >> 6 & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3f)));
  }
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// Recursive descent over text already known to be syntactically valid would
// be enough, but the parser checks everything itself so it is safe on any
// input (it is also a fuzz target's entry point).
class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : s_(text) {}

  bool parseDocument(JsonValue& out) {
    skipSpace();
    if (!parseValue(out, 0)) return false;
    skipSpace();
    return pos_ == s_.size();
  }

 private:
  void skipSpace() {
    while (pos_ < s_.size() && JsonScanner::isSpace(static_cast<std::uint8_t>(s_[pos_]))) ++pos_;
  }
  bool peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }

  bool parseValue(JsonValue& v, std::size_t depth) {
    if (pos_ >= s_.size()) return false;
    std::size_t start = pos_;
    bool ok = false;
    switch (s_[pos_]) {
      case '{': ok = parseObject(v, depth + 1); break;
      case '[': ok = parseArray(v, depth + 1); break;
      case '"':
        v.kind_ = JsonValue::Kind::String;
        ok = parseString(v.string_);
        break;
      case 't': ok = literal("true", v, JsonValue::Kind::Bool, true); break;
      case 'f': ok = literal("false", v, JsonValue::Kind::Bool, false); break;
      case 'n': ok = literal("null", v, JsonValue::Kind::Null, false); break;
      default: ok = parseNumber(v); break;
    }
    if (ok) v.raw_ = s_.substr(start, pos_ - start);
    return ok;
  }

  bool literal(std::string_view word, JsonValue& v, JsonValue::Kind kind, bool b) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    v.kind_ = kind;
    v.boolean_ = b;
    return true;
  }

  bool digits() {
    std::size_t begin = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ > begin;
  }

  bool parseNumber(JsonValue& v) {
    if (peek('-')) ++pos_;
    if (peek('0')) {
      ++pos_;
    } else if (pos_ < s_.size() && s_[pos_] >= '1' && s_[pos_] <= '9') {
      digits();
    } else {
      return false;
    }
    if (peek('.')) {
      ++pos_;
      if (!digits()) return false;
    }
    if (peek('e') || peek('E')) {
      ++pos_;
      if (peek('+') || peek('-')) ++pos_;
      if (!digits()) return false;
    }
    v.kind_ = JsonValue::Kind::Number;
    return true;
  }

  // Four hex digits at pos_ (after "\u"); -1 when malformed.
  int readHex4() {
    if (s_.size() - pos_ < 4) return -1;
    int r = 0;
    for (int i = 0; i < 4; ++i) {
      int h = hexValue(s_[pos_ + i]);
      if (h < 0) return -1;
      r = r << 4 | h;
    }
    pos_ += 4;
    return r;
  }

  bool parseString(std::string& out) {
    ++pos_;  // opening quote
    out.clear();
    while (pos_ < s_.size()) {
      auto c = static_cast<std::uint8_t>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (++pos_ >= s_.size()) return false;
        char e = s_[pos_++];
        switch (e) {
          case '"': case '\\': case '/': out.push_back(e); break;
          case 'b': out.push_back('\b'); break;
          case 'f': out.push_back('\f'); break;
          case 'n': out.push_back('\n'); break;
          case 'r': out.push_back('\r'); break;
          case 't': out.push_back('\t'); break;
          case 'u': {
            int r = readHex4();
            if (r < 0) return false;
            if (r >= 0xd800 && r < 0xdc00) {
              // A high surrogate pairs only with an immediately following
              // \u low surrogate; otherwise it alone becomes U+FFFD.
              std::size_t save = pos_;
              if (s_.substr(pos_, 2) == "\\u") {
                pos_ += 2;
                int lo = readHex4();
                if (lo >= 0xdc00 && lo < 0xe000) {
                  appendRune(out, 0x10000 + ((r - 0xd800) << 10) + (lo - 0xdc00));
                  break;
                }
              }
              pos_ = save;
              appendRune(out, 0xfffd);
            } else {
              appendRune(out, r);  // a lone low surrogate becomes U+FFFD
            }
            break;
          }
          default:
            return false;
        }
        continue;
      }
      if (c < 0x80) {
        out.push_back(static_cast<char>(c));
        ++pos_;
        continue;
      }
      std::size_t size = 1;
      std::int32_t r = decodeRune(s_.substr(pos_), size);
      if (r < 0) {
        appendRune(out, 0xfffd);
      } else {
        out.append(s_.substr(pos_, size));
      }
      pos_ += size;
    }
    return false;
  }

  bool parseArray(JsonValue& v, std::size_t depth) {
    if (depth > JsonScanner::kMaxDepth) return false;
    v.kind_ = JsonValue::Kind::Array;
    ++pos_;
    skipSpace();
    if (peek(']')) {
      ++pos_;
      return true;
    }
    for (;;) {
      skipSpace();
      v.items_.emplace_back();
      if (!parseValue(v.items_.back(), depth)) return false;
      skipSpace();
      if (peek(',')) {
        ++pos_;
        continue;
      }
      if (peek(']')) {
        ++pos_;
        return true;
      }
      return false;
    }
  }

  bool parseObject(JsonValue& v, std::size_t depth) {
    if (depth > JsonScanner::kMaxDepth) return false;
    v.kind_ = JsonValue::Kind::Object;
    ++pos_;
    skipSpace();
    if (peek('}')) {
      ++pos_;
      return true;
    }
    for (;;) {
      skipSpace();
      if (!peek('"')) return false;
      std::string key;
      if (!parseString(key)) return false;
      skipSpace();
      if (!peek(':')) return false;
      ++pos_;
      skipSpace();
      v.members_.emplace_back(std::move(key), JsonValue{});
      if (!parseValue(v.members_.back().second, depth)) return false;
      skipSpace();
      if (peek(',')) {
        ++pos_;
        continue;
      }
      if (peek('}')) {
        ++pos_;
        return true;
      }
      return false;
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

std::optional<JsonValue> JsonValue::parse(std::string_view text) {
  JsonValue v;
  JsonParser p(text);
  if (!p.parseDocument(v)) return std::nullopt;
  return v;
}

std::string JsonValue::foldName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size();) {
    auto c = static_cast<std::uint8_t>(name[i]);
    if (c < 0x80) {
      out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : static_cast<char>(c));
      ++i;
      continue;
    }
    std::size_t size = 1;
    std::int32_t r = decodeRune(name.substr(i), size);
    if (r == 0x212a) {
      out.push_back('K');
    } else if (r == 0x017f) {
      out.push_back('S');
    } else {
      out.append(name.substr(i, size));
    }
    i += size;
  }
  return out;
}

const JsonValue* JsonValue::lastMember(std::string_view field) const {
  // Go resolves each key on its own (exact name first, then the folded name)
  // and assigns in document order, so the last key that matches either way wins.
  const std::string wanted = foldName(field);
  const JsonValue* found = nullptr;
  for (const auto& [key, value] : members_)
    if (key == field || foldName(key) == wanted) found = &value;
  return found;
}

const char* JsonValue::goKindName(Kind k) {
  switch (k) {
    case Kind::Null: return "null";
    case Kind::Bool: return "bool";
    case Kind::Number: return "number";
    case Kind::String: return "string";
    case Kind::Array: return "array";
    case Kind::Object: return "object";
  }
  return "value";
}

}  // namespace rtk::core::proto
