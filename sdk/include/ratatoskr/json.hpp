// rtk::json — a small JSON value, parser and writer for the plugin boundary.
//
// JSON crosses the C ABI as UTF-8 text (config, NodeInfo, structured node
// results). Plugins are built without the host's libraries, so the SDK brings
// its own reader and writer: header-only, strict RFC 8259, no dependencies.
//
//   auto cfg = rtk::json::Value::parse(text);        // throws rtk::Error
//   auto ms = cfg.get("intervalMs").asUint64();
//   rtk::json::Value out = rtk::json::Value::object();
//   out.set("peers", 3);
//   std::string text = out.dump();                    // {"peers":3}
//
// Objects keep their members in insertion order and refuse duplicate keys
// when parsing. Integers are exact over the whole int64 and uint64 ranges;
// other numbers are doubles. Strings must be valid UTF-8; \u escapes
// (including surrogate pairs) are decoded to UTF-8.
//
// Errors: rtk::Error(Errc::InvalidArgument) — "json: at byte N: <reason>"
// from parse(), "json: expected <type>, got <type>" from the as*() accessors.
// Thread-safety: a regular value type; const members may be used from any
// number of threads at once.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ratatoskr/error.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::json {

enum class Type { Null, Bool, Int, Uint, Double, String, Array, Object };

inline const char* typeName(Type t) noexcept {
  switch (t) {
    case Type::Null: return "null";
    case Type::Bool: return "boolean";
    case Type::Int:
    case Type::Uint: return "integer";
    case Type::Double: return "number";
    case Type::String: return "string";
    case Type::Array: return "array";
    case Type::Object: return "object";
  }
  return "?";
}

class Value {
 public:
  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : type_(Type::Bool), bool_(b) {}
  Value(int v) : Value(static_cast<long long>(v)) {}
  Value(long v) : Value(static_cast<long long>(v)) {}
  Value(long long v) : type_(Type::Int), int_(v) {}
  Value(unsigned v) : Value(static_cast<unsigned long long>(v)) {}
  Value(unsigned long v) : Value(static_cast<unsigned long long>(v)) {}
  Value(unsigned long long v) {
    if (v <= static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max())) {
      type_ = Type::Int;
      int_ = static_cast<std::int64_t>(v);
    } else {
      type_ = Type::Uint;
      uint_ = v;
    }
  }
  Value(double v) : type_(Type::Double), double_(v) {}
  Value(const char* s) : type_(Type::String), string_(s ? s : "") {}
  Value(std::string s) : type_(Type::String), string_(std::move(s)) {}
  Value(std::string_view s) : type_(Type::String), string_(s) {}

  static Value array() {
    Value v;
    v.type_ = Type::Array;
    return v;
  }
  static Value object() {
    Value v;
    v.type_ = Type::Object;
    return v;
  }

  Type type() const noexcept { return type_; }
  const char* typeName() const noexcept { return json::typeName(type_); }
  bool isNull() const noexcept { return type_ == Type::Null; }
  bool isBool() const noexcept { return type_ == Type::Bool; }
  bool isInteger() const noexcept {
    if (type_ == Type::Int || type_ == Type::Uint) return true;
    return type_ == Type::Double && std::isfinite(double_) && std::floor(double_) == double_;
  }
  bool isNumber() const noexcept { return type_ == Type::Int || type_ == Type::Uint || type_ == Type::Double; }
  bool isString() const noexcept { return type_ == Type::String; }
  bool isArray() const noexcept { return type_ == Type::Array; }
  bool isObject() const noexcept { return type_ == Type::Object; }

  // ---- scalars (throw Errc::InvalidArgument on a type or range mismatch) ----
  bool asBool() const {
    if (type_ != Type::Bool) mismatch("boolean");
    return bool_;
  }
  std::int64_t asInt64() const {
    if (type_ == Type::Int) return int_;
    if (type_ == Type::Double && isInteger() && double_ >= -9223372036854775808.0 && double_ < 9223372036854775808.0)
      return static_cast<std::int64_t>(double_);
    if (type_ == Type::Uint || type_ == Type::Double) rangeError("a signed 64-bit integer");
    mismatch("integer");
  }
  std::uint64_t asUint64() const {
    if (type_ == Type::Int && int_ >= 0) return static_cast<std::uint64_t>(int_);
    if (type_ == Type::Uint) return uint_;
    if (type_ == Type::Double && isInteger() && double_ >= 0 && double_ < 18446744073709551616.0)
      return static_cast<std::uint64_t>(double_);
    if (type_ == Type::Int || type_ == Type::Double) rangeError("an unsigned 64-bit integer");
    mismatch("integer");
  }
  double asDouble() const {
    if (type_ == Type::Int) return static_cast<double>(int_);
    if (type_ == Type::Uint) return static_cast<double>(uint_);
    if (type_ == Type::Double) return double_;
    mismatch("number");
  }
  const std::string& asString() const {
    if (type_ != Type::String) mismatch("string");
    return string_;
  }

  // ---- arrays and objects ----
  // Elements of an array, members of an object; 0 for anything else.
  std::size_t size() const noexcept { return (type_ == Type::Array || type_ == Type::Object) ? items_.size() : 0; }
  bool empty() const noexcept { return size() == 0; }
  // The i-th array element or object member value. Throws when out of range.
  const Value& at(std::size_t i) const {
    if (type_ != Type::Array && type_ != Type::Object) mismatch("array");
    if (i >= items_.size()) throw Error(Errc::InvalidArgument, "json: index " + std::to_string(i) + " out of range");
    return items_[i];
  }
  Value& at(std::size_t i) { return const_cast<Value&>(std::as_const(*this).at(i)); }
  const Value& operator[](std::size_t i) const { return at(i); }
  Value& push(Value v) {
    if (type_ == Type::Null) type_ = Type::Array;
    if (type_ != Type::Array) mismatch("array");
    items_.push_back(std::move(v));
    return items_.back();
  }
  // Member names of an object, in order (empty for anything else).
  const std::vector<std::string>& keys() const noexcept { return keys_; }
  const std::string& keyAt(std::size_t i) const {
    if (type_ != Type::Object) mismatch("object");
    return keys_.at(i);
  }
  const Value* find(std::string_view key) const noexcept {
    if (type_ != Type::Object) return nullptr;
    for (std::size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] == key) return &items_[i];
    return nullptr;
  }
  Value* find(std::string_view key) noexcept { return const_cast<Value*>(std::as_const(*this).find(key)); }
  bool contains(std::string_view key) const noexcept { return find(key) != nullptr; }
  // The member's value, or a null value when absent (or not an object).
  const Value& get(std::string_view key) const noexcept {
    static const Value null;
    auto* v = find(key);
    return v ? *v : null;
  }
  // Replaces the member or appends it. A null value becomes an object first.
  Value& set(std::string key, Value v) {
    if (type_ == Type::Null) type_ = Type::Object;
    if (type_ != Type::Object) mismatch("object");
    if (auto* existing = find(key)) {
      *existing = std::move(v);
      return *existing;
    }
    keys_.push_back(std::move(key));
    items_.push_back(std::move(v));
    return items_.back();
  }
  bool erase(std::string_view key) {
    for (std::size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] == key) {
        keys_.erase(keys_.begin() + static_cast<std::ptrdiff_t>(i));
        items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(i));
        return true;
      }
    return false;
  }

  // Structural equality; integers and doubles compare by value, objects
  // regardless of member order.
  friend bool operator==(const Value& a, const Value& b) {
    if (a.isNumber() && b.isNumber()) {
      if (a.type_ == Type::Double || b.type_ == Type::Double) return a.asDouble() == b.asDouble();
      if (a.type_ != b.type_) return false;  // Int is always < 2^63 <= Uint
      return a.type_ == Type::Int ? a.int_ == b.int_ : a.uint_ == b.uint_;
    }
    if (a.type_ != b.type_) return false;
    switch (a.type_) {
      case Type::Null: return true;
      case Type::Bool: return a.bool_ == b.bool_;
      case Type::String: return a.string_ == b.string_;
      case Type::Array: return a.items_ == b.items_;
      case Type::Object: {
        if (a.keys_.size() != b.keys_.size()) return false;
        for (std::size_t i = 0; i < a.keys_.size(); ++i) {
          auto* other = b.find(a.keys_[i]);
          if (!other || !(*other == a.items_[i])) return false;
        }
        return true;
      }
      default: return false;
    }
  }

  // ---- text ----
  static Value parse(std::string_view text, std::size_t maxDepth = 128);
  // Compact JSON (no spaces), or indented by `indent` spaces per level.
  std::string dump(int indent = 0) const {
    std::string out;
    write(out, indent, 0);
    return out;
  }

 private:
  friend class Parser;

  [[noreturn]] void mismatch(const char* expected) const {
    throw Error(Errc::InvalidArgument, std::string("json: expected ") + expected + ", got " + typeName());
  }
  [[noreturn]] void rangeError(const char* what) const {
    throw Error(Errc::InvalidArgument, std::string("json: ") + dump() + " does not fit " + what);
  }

  static void writeString(std::string& out, std::string_view s) {
    static const char* hex = "0123456789abcdef";
    out.push_back('"');
    for (char ch : s) {
      auto c = static_cast<unsigned char>(ch);
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0x0f]);
          } else {
            out.push_back(ch);
          }
      }
    }
    out.push_back('"');
  }

  void write(std::string& out, int indent, int level) const {
    auto newline = [&](int lvl) {
      if (indent <= 0) return;
      out.push_back('\n');
      out.append(static_cast<std::size_t>(indent * lvl), ' ');
    };
    switch (type_) {
      case Type::Null: out += "null"; break;
      case Type::Bool: out += bool_ ? "true" : "false"; break;
      case Type::Int: out += std::to_string(int_); break;
      case Type::Uint: out += std::to_string(uint_); break;
      case Type::Double: {
        if (!std::isfinite(double_)) {
          out += "null";  // JSON has no NaN or infinity
          break;
        }
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, double_);
        out.append(buf, r.ptr);
        break;
      }
      case Type::String: writeString(out, string_); break;
      case Type::Array:
        out.push_back('[');
        for (std::size_t i = 0; i < items_.size(); ++i) {
          if (i) out.push_back(',');
          newline(level + 1);
          items_[i].write(out, indent, level + 1);
        }
        if (!items_.empty()) newline(level);
        out.push_back(']');
        break;
      case Type::Object:
        out.push_back('{');
        for (std::size_t i = 0; i < items_.size(); ++i) {
          if (i) out.push_back(',');
          newline(level + 1);
          writeString(out, keys_[i]);
          out += indent > 0 ? ": " : ":";
          items_[i].write(out, indent, level + 1);
        }
        if (!items_.empty()) newline(level);
        out.push_back('}');
        break;
    }
  }

  Type type_ = Type::Null;
  bool bool_ = false;
  std::int64_t int_ = 0;
  std::uint64_t uint_ = 0;
  double double_ = 0;
  std::string string_;
  std::vector<std::string> keys_;  // object member names, parallel to items_
  std::vector<Value> items_;       // array elements or object member values
};

// The recursive-descent reader behind Value::parse.
class Parser {
 public:
  Parser(std::string_view text, std::size_t maxDepth) : text_(text), maxDepth_(maxDepth) {}

  Value parseDocument() {
    skipSpace();
    Value v = parseValue(0);
    skipSpace();
    if (pos_ != text_.size()) fail("unexpected text after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw Error(Errc::InvalidArgument, "json: at byte " + std::to_string(pos_) + ": " + why);
  }
  bool atEnd() const { return pos_ >= text_.size(); }
  char peek() const { return atEnd() ? '\0' : text_[pos_]; }
  void skipSpace() {
    while (!atEnd()) {
      char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }
  void expectWord(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) fail("invalid literal (expected " + std::string(word) + ")");
    pos_ += word.size();
  }

  Value parseValue(std::size_t depth) {
    if (atEnd()) fail("unexpected end of text");
    switch (peek()) {
      case '{': return parseObject(depth + 1);
      case '[': return parseArray(depth + 1);
      case '"': return Value(parseString());
      case 't': expectWord("true"); return Value(true);
      case 'f': expectWord("false"); return Value(false);
      case 'n': expectWord("null"); return Value();
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return parseNumber();
        fail(std::string("unexpected character '") + peek() + "'");
    }
  }

  Value parseObject(std::size_t depth) {
    if (depth > maxDepth_) fail("nested deeper than " + std::to_string(maxDepth_) + " levels");
    ++pos_;  // '{'
    Value obj = Value::object();
    skipSpace();
    if (peek() == '}') {
      ++pos_;
      return obj;
    }
    for (;;) {
      skipSpace();
      if (peek() != '"') fail("expected a string as object key");
      std::size_t keyPos = pos_;
      std::string key = parseString();
      if (obj.find(key)) {
        pos_ = keyPos;
        fail("duplicate key \"" + key + "\"");
      }
      skipSpace();
      if (peek() != ':') fail("expected ':' after object key");
      ++pos_;
      skipSpace();
      Value v = parseValue(depth);
      obj.keys_.push_back(std::move(key));
      obj.items_.push_back(std::move(v));
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return obj;
      }
      fail("expected ',' or '}' in object");
    }
  }

  Value parseArray(std::size_t depth) {
    if (depth > maxDepth_) fail("nested deeper than " + std::to_string(maxDepth_) + " levels");
    ++pos_;  // '['
    Value arr = Value::array();
    skipSpace();
    if (peek() == ']') {
      ++pos_;
      return arr;
    }
    for (;;) {
      skipSpace();
      arr.items_.push_back(parseValue(depth));
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return arr;
      }
      fail("expected ',' or ']' in array");
    }
  }

  Value parseNumber() {
    std::size_t start = pos_;
    bool negative = peek() == '-';
    if (negative) ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') ++pos_;
    } else {
      fail("invalid number");
    }
    bool integral = true;
    if (peek() == '.') {
      integral = false;
      ++pos_;
      if (!(peek() >= '0' && peek() <= '9')) fail("invalid number: digits expected after '.'");
      while (peek() >= '0' && peek() <= '9') ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!(peek() >= '0' && peek() <= '9')) fail("invalid number: digits expected in exponent");
      while (peek() >= '0' && peek() <= '9') ++pos_;
    }
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    if (integral) {
      if (negative) {
        std::int64_t v = 0;
        auto r = std::from_chars(first, last, v);
        if (r.ec == std::errc() && r.ptr == last) return Value(static_cast<long long>(v));
      } else {
        std::uint64_t v = 0;
        auto r = std::from_chars(first, last, v);
        if (r.ec == std::errc() && r.ptr == last) return Value(static_cast<unsigned long long>(v));
      }
      // Too large for 64 bits: keep it as a double, as other readers do.
    }
    double d = 0;
    auto r = std::from_chars(first, last, d);
    if (r.ptr != last || r.ec != std::errc()) {
      pos_ = start;
      fail(r.ec == std::errc::result_out_of_range ? "number out of range" : "invalid number");
    }
    return Value(d);
  }

  static void appendUtf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }

  std::uint32_t parseHex4() {
    if (pos_ + 4 > text_.size()) fail("truncated \\u escape");
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      int n = rtk::detail::hexNibble(text_[pos_++]);
      if (n < 0) fail("invalid \\u escape");
      v = v << 4 | static_cast<std::uint32_t>(n);
    }
    return v;
  }

  // Copies one well-formed UTF-8 sequence starting at pos_ (RFC 3629: no
  // overlongs, no surrogates, at most U+10FFFF).
  void copyUtf8(std::string& out) {
    auto b0 = static_cast<unsigned char>(text_[pos_]);
    std::size_t len = b0 >= 0xf0 ? 4 : b0 >= 0xe0 ? 3 : 2;
    if (b0 < 0xc2 || b0 > 0xf4) fail("invalid UTF-8");
    if (pos_ + len > text_.size()) fail("truncated UTF-8 sequence");
    auto b1 = static_cast<unsigned char>(text_[pos_ + 1]);
    unsigned char lo = 0x80, hi = 0xbf;
    if (b0 == 0xe0) lo = 0xa0;
    if (b0 == 0xed) hi = 0x9f;
    if (b0 == 0xf0) lo = 0x90;
    if (b0 == 0xf4) hi = 0x8f;
    if (b1 < lo || b1 > hi) fail("invalid UTF-8");
    for (std::size_t i = 2; i < len; ++i) {
      auto b = static_cast<unsigned char>(text_[pos_ + i]);
      if (b < 0x80 || b > 0xbf) fail("invalid UTF-8");
    }
    out.append(text_.data() + pos_, len);
    pos_ += len;
  }

  std::string parseString() {
    ++pos_;  // opening quote
    std::string out;
    for (;;) {
      if (atEnd()) fail("unterminated string");
      auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) fail("control character in string (escape it)");
      if (c >= 0x80) {
        copyUtf8(out);
        continue;
      }
      if (c != '\\') {
        out.push_back(static_cast<char>(c));
        ++pos_;
        continue;
      }
      ++pos_;
      if (atEnd()) fail("unterminated string");
      char e = text_[pos_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          std::uint32_t cp = parseHex4();
          if (cp >= 0xd800 && cp <= 0xdbff) {
            if (text_.substr(pos_, 2) != "\\u") fail("unpaired surrogate in \\u escape");
            pos_ += 2;
            std::uint32_t low = parseHex4();
            if (low < 0xdc00 || low > 0xdfff) fail("unpaired surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            fail("unpaired surrogate in \\u escape");
          }
          appendUtf8(out, cp);
          break;
        }
        default: --pos_; fail(std::string("invalid escape '\\") + e + "'");
      }
    }
  }

  std::string_view text_;
  std::size_t maxDepth_;
  std::size_t pos_ = 0;
};

inline Value Value::parse(std::string_view text, std::size_t maxDepth) {
  return Parser(text, maxDepth).parseDocument();
}

}  // namespace rtk::json
