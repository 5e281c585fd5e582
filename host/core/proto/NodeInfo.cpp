#include "core/proto/NodeInfo.hpp"

#include <optional>

#include "core/proto/BuildInfo.hpp"
#include "core/proto/Json.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::proto {

namespace {

// yggdrasil holds NodeInfo as a map[string]interface{} decoded from its
// configuration: every number is a float64 (so 5 and 5.0 are the same and
// huge integers lose precision) and every object a map, whose keys
// json.Marshal writes sorted. Objects parsed with Order::Sorted already
// sort; this turns the numbers into doubles.
void toGoValues(json::Var& v) {
  if (auto o = json::asObject(v)) {
    for (auto& member : *o) toGoValues(member.second);
  } else if (auto a = json::asArray(v)) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      json::Var item = a->get(static_cast<unsigned>(i));
      toGoValues(item);
      a->set(static_cast<unsigned>(i), item);
    }
  } else if (v.isNumeric() && !v.isBoolean()) {
    v = v.convert<double>();
  }
}

// The object with the build keys added (unless privacy), written compact;
// `tooLarge` is the code for a result over the limit (none: no limit).
std::string finish(json::ObjectPtr info, bool privacy, std::optional<Errc> tooLarge) {
  json::Var root = info;
  toGoValues(root);
  if (!privacy) {
    info->set("buildname", std::string(kBuildName));
    info->set("buildversion", std::string(kBuildVersion));
    info->set("buildplatform", std::string(kBuildPlatform));
    info->set("buildarch", std::string(kBuildArch));
  }
  std::string out = json::write(info);
  if (tooLarge && out.size() > NodeInfo::kMaxBytes) throw Error(*tooLarge, "NodeInfo exceeds max length of 16384 bytes");
  return out;
}

// The conf's NodeInfo text as an object ("", whitespace and null: empty).
json::ObjectPtr parseConfigured(std::string_view configJson) {
  if (configJson.find_first_not_of(" \t\r\n") == std::string_view::npos) configJson = "{}";

  json::Var parsed;
  try {
    parsed = json::parse(configJson, json::Order::Sorted);
  } catch (const Error& e) {
    throw Error(Errc::Config, std::string("NodeInfo: not valid JSON: ") + e.what());
  }
  json::ObjectPtr info = json::asObject(parsed);
  if (!info) {
    if (!parsed.isEmpty())
      throw Error(Errc::Config, std::string("NodeInfo: must be a JSON object, not ") + json::kindName(parsed));
    info = json::object(json::Order::Sorted);  // null: no NodeInfo configured
  }
  return info;
}

}  // namespace

std::string NodeInfo::build(std::string_view configJson, bool privacy) {
  return finish(parseConfigured(configJson), privacy, Errc::Config);
}

std::string NodeInfo::preview(std::string_view configJson, bool privacy) {
  return finish(parseConfigured(configJson), privacy, std::nullopt);
}

std::string NodeInfo::buildAtRunTime(std::string_view userJson, bool privacy) {
  json::Var parsed;
  try {
    parsed = json::parse(userJson, json::Order::Sorted);
  } catch (const Error& e) {
    throw Error(Errc::InvalidArgument, std::string("NodeInfo: not valid JSON: ") + e.what());
  }
  json::ObjectPtr info = json::asObject(parsed);
  if (!info)
    throw Error(Errc::InvalidArgument, std::string("NodeInfo: must be a JSON object, not ") + json::kindName(parsed));
  if (!privacy)
    for (const char* key : kBuildKeys)
      if (info->has(key))
        throw Error(Errc::InvalidArgument, std::string("NodeInfo: \"") + key +
                                               "\" is set by the node (turn NodeInfoPrivacy on to publish your own)");
  return finish(info, privacy, Errc::MessageTooLarge);
}

}  // namespace rtk::core::proto
