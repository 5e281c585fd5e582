// rtk::json — a JSON value type for the plugin boundary, read and written by
// Poco::JSON.
//
// JSON crosses the C ABI as UTF-8 text (config, NodeInfo, structured node
// results). This header gives plugins a plain value type over that text;
// parsing and writing are Poco::JSON's (Parser, Stringifier), so a plugin
// using it links Poco::JSON and Poco::Foundation (ratatoskr::sdk and
// ratatoskr-sdk.pc carry those). fromPoco()/toPoco() convert to and from
// Poco's own JSON values for code that prefers them.
//
//   auto cfg = rtk::json::Value::parse(text);        // throws rtk::Error
//   auto ms = cfg.get("intervalMs").asUint64();
//   rtk::json::Value out = rtk::json::Value::object();
//   out.set("peers", 3);
//   std::string text = out.dump();                    // {"peers":3}
//
// Objects keep their members in insertion order; a key repeated in parsed
// text keeps its last value. Integers are exact over the whole int64 and
// uint64 ranges; other numbers are doubles. Strings must be valid UTF-8;
// \u escapes (including surrogate pairs) are decoded to UTF-8.
//
// Errors: rtk::Error(Errc::InvalidArgument) — "json: at byte N: <reason>"
// from parse(), "json: expected <type>, got <type>" from the as*() accessors.
// Thread-safety: a regular value type; const members may be used from any
// number of threads at once.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/JSONString.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
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

  // ---- text (Poco::JSON underneath) ----
  // Parses RFC 8259 JSON with Poco::JSON::Parser. Object members keep their
  // order; a repeated key keeps its last value (Poco's rule). At most
  // `maxDepth` nested arrays/objects. Throws rtk::Error(InvalidArgument)
  // "json: at byte N: <reason>".
  static Value parse(std::string_view text, std::size_t maxDepth = 128);
  // Compact JSON (no spaces), or indented by `indent` spaces per level;
  // written by Poco::JSON::Stringifier. Non-finite doubles become null.
  std::string dump(int indent = 0) const;

 private:
  [[noreturn]] void mismatch(const char* expected) const {
    throw Error(Errc::InvalidArgument, std::string("json: expected ") + expected + ", got " + typeName());
  }
  [[noreturn]] void rangeError(const char* what) const {
    throw Error(Errc::InvalidArgument, std::string("json: ") + dump() + " does not fit " + what);
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

// Conversions to and from Poco's JSON values (Poco::JSON::Object::Ptr,
// Poco::JSON::Array::Ptr, scalars, an empty Var for null). Objects built by
// toPoco keep their member order. fromPoco throws rtk::Error(InvalidArgument)
// for a Var that holds no JSON type.
inline Value fromPoco(const Poco::Dynamic::Var& v) {
  if (v.isEmpty()) return Value();
  if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
    auto obj = v.extract<Poco::JSON::Object::Ptr>();
    Value out = Value::object();
    if (!obj) return out;
    for (const auto& name : obj->getNames()) out.set(name, fromPoco(obj->get(name)));
    return out;
  }
  if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
    auto arr = v.extract<Poco::JSON::Array::Ptr>();
    Value out = Value::array();
    if (!arr) return out;
    for (std::size_t i = 0; i < arr->size(); ++i) out.push(fromPoco(arr->get(static_cast<unsigned>(i))));
    return out;
  }
  if (v.isBoolean()) return Value(v.extract<bool>());
  if (v.isString()) return Value(v.extract<std::string>());
  if (v.isInteger()) {
    if (v.isSigned()) return Value(static_cast<long long>(v.convert<Poco::Int64>()));
    return Value(static_cast<unsigned long long>(v.convert<Poco::UInt64>()));
  }
  if (v.isNumeric()) return Value(v.convert<double>());
  throw Error(Errc::InvalidArgument, std::string("json: a value of C++ type ") + v.type().name() + " is not JSON");
}

inline Poco::Dynamic::Var toPoco(const Value& v) {
  switch (v.type()) {
    case Type::Null: return Poco::Dynamic::Var();
    case Type::Bool: return v.asBool();
    case Type::Int: return static_cast<Poco::Int64>(v.asInt64());
    case Type::Uint: return static_cast<Poco::UInt64>(v.asUint64());
    case Type::Double: {
      double d = v.asDouble();
      return std::isfinite(d) ? Poco::Dynamic::Var(d) : Poco::Dynamic::Var();
    }
    case Type::String: return v.asString();
    case Type::Array: {
      Poco::JSON::Array::Ptr arr = new Poco::JSON::Array(Poco::JSON_PRESERVE_KEY_ORDER);
      for (std::size_t i = 0; i < v.size(); ++i) arr->add(toPoco(v.at(i)));
      return arr;
    }
    case Type::Object: {
      Poco::JSON::Object::Ptr obj = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      for (std::size_t i = 0; i < v.size(); ++i) obj->set(v.keyAt(i), toPoco(v.at(i)));
      return obj;
    }
  }
  return Poco::Dynamic::Var();
}

namespace detail {

// Poco's messages quote the offending byte raw; keep the error on one
// printable line.
inline std::string printableReason(const std::string& message) {
  std::string out;
  static const char* hex = "0123456789abcdef";
  for (char ch : message) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(ch);
    } else {
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0x0f]);
    }
  }
  return out;
}

}  // namespace detail

inline Value Value::parse(std::string_view text, std::size_t maxDepth) {
  // Poco's ParseHandler only accepts an object or an array at the top
  // (a bare scalar ends in "empty stack"), so a scalar document is read as
  // the only element of an array: one byte of prefix, one more level.
  auto first = text.find_first_not_of(" \t\r\n");
  bool wrapped = first != std::string_view::npos && text[first] != '{' && text[first] != '[';
  std::string doc = wrapped ? "[" + std::string(text) + "\n]" : std::string(text);
  Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
  parser.setDepth(wrapped ? maxDepth + 1 : maxDepth);
  std::istringstream in{doc};
  auto fail = [&](std::size_t docOffset, const std::string& reason) {
    std::size_t at = wrapped ? (docOffset > 0 ? docOffset - 1 : 0) : docOffset;
    at = std::min(at, text.size());
    throw Error(Errc::InvalidArgument, "json: at byte " + std::to_string(at) + ": " + detail::printableReason(reason));
  };
  Poco::Dynamic::Var result;
  try {
    result = parser.parse(in);
  } catch (const Poco::Exception& e) {
    // Poco keeps no positions; where the stream stopped is just past the
    // offending byte, or in front of trailing text.
    in.clear();
    auto tell = in.tellg();
    std::size_t at = tell < 0 ? doc.size() : static_cast<std::size_t>(tell);
    std::string reason = e.message().empty() ? e.displayText() : e.message();
    if (reason.find("Excess characters") != std::string::npos) {
      fail(at, "unexpected text after the JSON value");
    }
    if (wrapped && at >= doc.size()) {
      // The closing "\n]" was reached: the scalar itself was cut short.
      fail(doc.size() - 2, "unexpected end of text");
    }
    fail(at > 0 ? at - 1 : 0, reason);
  }
  if (!wrapped) return fromPoco(result);
  auto arr = result.extract<Poco::JSON::Array::Ptr>();
  if (arr->size() != 1) fail(doc.size() - 2, "more than one JSON value");
  return fromPoco(arr->get(0));
}

inline std::string Value::dump(int indent) const {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(toPoco(*this), out, indent > 0 ? static_cast<unsigned>(indent) : 0u, -1,
                                     Poco::JSON_PRESERVE_KEY_ORDER | Poco::JSON_WRAP_STRINGS);
  return out.str();
}

}  // namespace rtk::json
