#include "Reading.hpp"

#include <algorithm>

#include "ratatoskr/error.hpp"

namespace rtk::sigils::reading {

void throwSetting(std::string_view setting, std::string_view problem) {
  throw Error(Errc::Config, std::string(setting) + ": " + std::string(problem));
}

void checkSetting(const Problem& problem) {
  if (!problem.empty()) throw Error(Errc::Config, problem);
}

const json::Value& settingsObject(const json::Value& settings, std::string_view sigil,
                                  std::initializer_list<std::string_view> known) {
  static const json::Value empty = json::Value::object();
  if (settings.isNull()) return empty;
  if (!settings.isObject())
    throw Error(Errc::Config, "the " + std::string(sigil) + " sigil's settings must be an object, not " + settings.typeName());
  for (const auto& key : settings.keys()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string names;
    for (auto k : known) names += (names.empty() ? "" : ", ") + std::string(k);
    throw Error(Errc::Config, text::quoted(key) + ": not a setting of the " + std::string(sigil) + " sigil (it takes " + names + ")");
  }
  return settings;
}

std::string memberPath(std::string_view parent, std::string_view key) {
  bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
  });
  return plain ? std::string(parent) + "." + std::string(key) : std::string(parent) + "[" + text::quoted(key) + "]";
}

std::string elementPath(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

Problem wrongType(std::string_view path, std::string_view what, const json::Value& v) {
  return std::string(path) + ": must be " + std::string(what) + ", not " + (v.isNull() ? "null" : v.typeName());
}

bool isIntegerIn(const json::Value& v, std::int64_t min, std::int64_t max) {
  if (!v.isNumber() || !v.isInteger()) return false;
  if (v.type() == json::Type::Uint) return false;  // above 2^63: out of every range we use
  double d = v.asDouble();
  if (d < static_cast<double>(min) || d > static_cast<double>(max)) return false;
  std::int64_t i = v.asInt64();
  return i >= min && i <= max;
}

}  // namespace rtk::sigils::reading
