// JsonValue — a parsed JSON value that remembers the exact source text of
// every node.
//
// The admin protocol echoes the request's "arguments" back as they were sent
// (Go keeps them as json.RawMessage) and NodeInfo values pass through
// unchanged, so the parser keeps raw spans next to the decoded data. Object
// members keep document order and duplicates (Go's decoder assigns them in
// order, so the last one wins; see lastMember()).
//
// Strings are decoded as Go's encoding/json decodes them: escapes resolved,
// an unpaired UTF-16 surrogate becomes U+FFFD, and each byte of invalid UTF-8
// becomes U+FFFD.
//
// Lifetime: raw() views point into the text given to parse(); keep it alive
// as long as the value. Thread-safety: immutable after parse().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rtk::core::proto {

class JsonValue {
 public:
  enum class Kind : std::uint8_t { Null, Bool, Number, String, Array, Object };

  // Parses exactly one value, optionally surrounded by whitespace. nullopt
  // when the text is not valid JSON or nests deeper than JsonScanner::kMaxDepth.
  static std::optional<JsonValue> parse(std::string_view text);

  Kind kind() const { return kind_; }
  bool isNull() const { return kind_ == Kind::Null; }
  // The value's source text, without surrounding whitespace.
  std::string_view raw() const { return raw_; }
  bool boolean() const { return boolean_; }
  // The decoded string (String only; empty otherwise).
  const std::string& string() const { return string_; }
  const std::vector<JsonValue>& items() const { return items_; }
  const std::vector<std::pair<std::string, JsonValue>>& members() const { return members_; }

  // The member Go's decoder would store last into a struct field named
  // `field`: the last member whose key equals it exactly or, failing an exact
  // match, under Go's case folding (ASCII case, plus U+212A KELVIN SIGN for
  // 'k' and U+017F LONG S for 's'). nullptr when none.
  const JsonValue* lastMember(std::string_view field) const;

  // The word Go's UnmarshalTypeError uses for a JSON kind: "number",
  // "string", "bool", "array", "object" (and "null").
  static const char* goKindName(Kind k);
  // Go's case folding of a field name, as used by lastMember().
  static std::string foldName(std::string_view name);

 private:
  friend class JsonParser;
  Kind kind_ = Kind::Null;
  std::string_view raw_;
  bool boolean_ = false;
  std::string string_;
  std::vector<JsonValue> items_;
  std::vector<std::pair<std::string, JsonValue>> members_;
};

}  // namespace rtk::core::proto
