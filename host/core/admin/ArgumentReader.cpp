#include "core/admin/ArgumentReader.hpp"

#include <optional>
#include <vector>

#include "core/admin/AdminDispatcher.hpp"
#include "core/proto/Json.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::admin {

namespace json = proto::json;

std::map<std::string, std::string> ArgumentReader::read(std::string_view argumentsJson, std::string_view goType,
                                                        std::initializer_list<std::string_view> fields) {
  std::map<std::string, std::string> out;
  for (auto f : fields) out.emplace(std::string(f), std::string());
  if (argumentsJson.find_first_not_of(" \t\r\n") == std::string_view::npos) return out;

  json::Var v;
  try {
    v = json::parse(argumentsJson);
  } catch (const Error& e) {
    throw Error(Errc::InvalidArgument, std::string("arguments are not valid JSON: ") + e.what());
  }
  if (v.isEmpty()) return out;
  json::ObjectPtr o = json::asObject(v);
  if (!o)
    throw Error(Errc::InvalidArgument, std::string("json: cannot unmarshal ") + json::kindName(v) +
                                           " into Go value of type " + std::string(goType));

  // Go names the struct without its package in field errors.
  const auto dot = goType.rfind('.');
  const std::string_view typeName = dot == std::string_view::npos ? goType : goType.substr(dot + 1);
  std::optional<std::string> firstError;
  std::vector<std::string> names;
  o->getNames(names);
  for (const auto& key : names) {
    for (auto f : fields) {
      if (AdminDispatcher::lowercase(key) != AdminDispatcher::lowercase(f)) continue;
      const json::Var value = o->get(key);
      if (value.isString()) {
        out[std::string(f)] = value.extract<std::string>();
      } else if (!value.isEmpty() && !firstError) {
        firstError = std::string("json: cannot unmarshal ") + json::kindName(value) + " into Go struct field " +
                     std::string(typeName) + "." + std::string(f) + " of type string";
      }
      break;
    }
  }
  if (firstError) throw Error(Errc::InvalidArgument, *firstError);
  return out;
}

}  // namespace rtk::core::admin
