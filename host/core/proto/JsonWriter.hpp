// JsonWriter — JSON text the way Go's encoding/json writes it.
//
// yggdrasilctl and scripts written against the real node read what the admin
// socket sends; matching Go's encoder byte for byte (struct field order,
// string escaping including the HTML-safe \u003c \u003e \u0026, float
// formatting, two-space indentation with {} and [] for empty containers)
// means their output is the same against our node. Poco's JSON stringifier
// differs in escaping and layout, hence this small writer.
//
// The writer builds compact text; indent() lays it out as Go's
// Encoder.SetIndent("", "  ") does. Separators are inserted automatically:
// call key() before each object member's value.
//
// Thread-safety: a plain value; the static functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtk::core::proto {

class JsonWriter {
 public:
  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& endArray();
  JsonWriter& key(std::string_view name);
  JsonWriter& string(std::string_view s);
  JsonWriter& uint(std::uint64_t v);
  JsonWriter& integer(std::int64_t v);
  JsonWriter& number(double v);  // Go's float64 encoding; NaN and infinities are written as null
  JsonWriter& boolean(bool v);
  JsonWriter& null();
  // Inserts a JSON value given as text, compacted as Go compacts a
  // json.RawMessage. Returns false (writing nothing) when it is not valid JSON.
  bool raw(std::string_view json);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

  // A quoted JSON string, escaped as Go escapes with HTML escaping on:
  // control characters, '"', '\\', '<', '>', '&', U+2028, U+2029; each byte
  // of invalid UTF-8 becomes \ufffd.
  static std::string quote(std::string_view s);
  // Go's float64 encoding: shortest round-trip digits, plain notation for
  // 1e-6 <= |v| < 1e21, otherwise exponent notation ("1e+21", "1e-7").
  static std::string formatFloat(double v);
  // Removes insignificant whitespace and applies the HTML escaping; nullopt
  // when `json` is not exactly one valid JSON value.
  static std::optional<std::string> compact(std::string_view json);
  // Lays out compact, valid JSON as Go's json.Indent(prefix "", indent).
  static std::string indent(std::string_view compactJson, std::string_view unit = "  ");

 private:
  void separate();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool afterKey_ = false;
};

}  // namespace rtk::core::proto
