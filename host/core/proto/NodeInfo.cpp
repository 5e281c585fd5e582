#include "core/proto/NodeInfo.hpp"

#include <map>

#include "core/proto/BuildInfo.hpp"
#include "core/proto/JsonScanner.hpp"
#include "core/proto/JsonValue.hpp"
#include "core/proto/JsonWriter.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::proto {

std::string NodeInfo::build(std::string_view configJson, bool privacy) {
  std::string_view text = configJson;
  while (!text.empty() && JsonScanner::isSpace(static_cast<std::uint8_t>(text.front()))) text.remove_prefix(1);
  if (text.empty()) text = "{}";

  auto parsed = JsonValue::parse(text);
  if (!parsed) throw Error(Errc::Config, "NodeInfo: not valid JSON");
  if (!parsed->isNull() && parsed->kind() != JsonValue::Kind::Object)
    throw Error(Errc::Config, std::string("NodeInfo: must be a JSON object, not ") +
                                  JsonValue::goKindName(parsed->kind()));

  // Go marshals map[string]interface{}: keys sorted bytewise, last duplicate wins.
  std::map<std::string, std::string> members;
  for (const auto& [key, value] : parsed->members()) members[key] = std::string(value.raw());
  if (!privacy) {
    members["buildname"] = JsonWriter::quote(kBuildName);
    members["buildversion"] = JsonWriter::quote(kBuildVersion);
    members["buildplatform"] = JsonWriter::quote(kBuildPlatform);
    members["buildarch"] = JsonWriter::quote(kBuildArch);
  }

  JsonWriter w;
  w.beginObject();
  for (const auto& [key, value] : members) {
    w.key(key);
    if (!w.raw(value)) throw Error(Errc::Config, "NodeInfo: member \"" + key + "\" is not valid JSON");
  }
  w.endObject();
  std::string out = w.take();
  if (out.size() > kMaxBytes) throw Error(Errc::Config, "NodeInfo exceeds max length of 16384 bytes");
  return out;
}

}  // namespace rtk::core::proto
