// How the built-in sigils read their two kinds of input:
//   - settings (Modules.<plugin>, written by the operator): a problem is an
//     rtk::Error(Errc::Config) "<Setting>: <rule broken>";
//   - a foreign NodeInfo object (untrusted): a problem is a Problem text
//     "<key path>: <rule broken>", never an exception.
// Thread-safety: pure functions.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "ratatoskr/json.hpp"
#include "Text.hpp"

namespace rtk::sigils::reading {

// "" when fine, otherwise what is wrong and where.
using Problem = std::string;

[[noreturn]] void throwSetting(std::string_view setting, std::string_view problem);
// Throws when `problem` is not empty.
void checkSetting(const Problem& problem);

// The settings object ({} for null). Throws when `settings` is another type
// or holds a member not in `known` (naming it and the known ones).
const json::Value& settingsObject(const json::Value& settings, std::string_view sigil,
                                  std::initializer_list<std::string_view> known);

// "<parent>.<key>" when `key` is a plain identifier, else "<parent>[<quoted key>]".
std::string memberPath(std::string_view parent, std::string_view key);
std::string elementPath(std::string_view parent, std::size_t index);

// "<path>: must be <what>, not <JSON type>".
Problem wrongType(std::string_view path, std::string_view what, const json::Value& v);

// An integral JSON number in [min, max] (a double like 80.0 counts, as Go
// reads every number as float64).
bool isIntegerIn(const json::Value& v, std::int64_t min, std::int64_t max);

}  // namespace rtk::sigils::reading
