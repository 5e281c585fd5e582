#include "core/admin/ArgumentReader.hpp"

#include <optional>

#include "core/proto/JsonValue.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::admin {

using proto::JsonValue;

std::map<std::string, std::string> ArgumentReader::read(std::string_view argumentsJson, std::string_view goType,
                                                        std::initializer_list<std::string_view> fields) {
  std::map<std::string, std::string> out;
  for (auto f : fields) out.emplace(std::string(f), std::string());
  if (argumentsJson.find_first_not_of(" \t\r\n") == std::string_view::npos) return out;

  auto v = JsonValue::parse(argumentsJson);
  if (!v) throw Error(Errc::InvalidArgument, "invalid character in arguments: not valid JSON");
  if (v->isNull()) return out;
  if (v->kind() != JsonValue::Kind::Object)
    throw Error(Errc::InvalidArgument, std::string("json: cannot unmarshal ") + JsonValue::goKindName(v->kind()) +
                                           " into Go value of type " + std::string(goType));

  // Go names the struct without its package in field errors.
  const auto dot = goType.rfind('.');
  const std::string_view typeName = dot == std::string_view::npos ? goType : goType.substr(dot + 1);
  std::optional<std::string> firstError;
  for (const auto& [key, value] : v->members()) {
    for (auto f : fields) {
      if (key != f && JsonValue::foldName(key) != JsonValue::foldName(f)) continue;
      if (value.kind() == JsonValue::Kind::String) {
        out[std::string(f)] = value.string();
      } else if (!value.isNull() && !firstError) {
        firstError = std::string("json: cannot unmarshal ") + JsonValue::goKindName(value.kind()) +
                     " into Go struct field " + std::string(typeName) + "." + std::string(f) + " of type string";
      }
      break;
    }
  }
  if (firstError) throw Error(Errc::InvalidArgument, *firstError);
  return out;
}

}  // namespace rtk::core::admin
