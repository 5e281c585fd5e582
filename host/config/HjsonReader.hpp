// rtk::host::HjsonReader — reads HJSON (https://hjson.github.io), the format
// `yggdrasil -genconf` writes by default, into a json::Value.
//
// What it accepts, as yggdrasil's hjson-go v4 reads it:
//   - the root object's braces may be left out; an empty text is {};
//   - comments: # and // to the end of the line, /* ... */;
//   - keys without quotes (no whitespace, none of {}[],:), or in "..." / '...';
//   - commas between members and elements are optional, a trailing one is fine;
//   - strings in "..." or '...' (JSON escapes, plus \'), multi-line strings in
//     '''...''' (indentation up to the opening quotes' column is removed), and
//     quoteless strings: everything to the end of the line, trailing spaces
//     dropped (a # in it is part of the string, not a comment);
//   - a quoteless value that is exactly true, false, null or a JSON number
//     (ending at the line, a comma, } or ] or a comment) is that value.
// JSON is HJSON, so any JSON text reads the same as with a JSON parser.
// Where we are stricter than hjson-go: invalid UTF-8, NUL bytes, an
// unterminated /* comment and nesting deeper than 128 are errors; a key
// repeated in one object is an error naming both places (hjson-go keeps the
// last). A valid \uD83D\uDE00 surrogate pair becomes its one character.
//
// Positions: every member's key and value offset and every element's value
// offset go into the caller's JsonSourceMap by path ("Peers[1]",
// "MulticastInterfaces[0].Regex"), so checks after parsing can name
// "file:line:column". Quoteless values read as numbers, booleans or null
// also record their text (JsonSourceMap::bareText): yggdrasil takes
// `Password: 1234` as the string "1234" where a string is expected.
//
// Errors: rtk::Error(Errc::Config) "<origin>:<line>:<column>: <reason>",
// pointing at the offending byte. Thread-safety: stateless.
#pragma once

#include <string>
#include <string_view>

#include "config/JsonSourceMap.hpp"
#include "ratatoskr/json.hpp"

namespace rtk::host {

class HjsonReader {
 public:
  static constexpr std::size_t kMaxDepth = 128;

  // `map` must have been constructed over `text` (it converts offsets).
  static json::Value parse(std::string_view text, const std::string& origin, JsonSourceMap& map);
};

}  // namespace rtk::host
