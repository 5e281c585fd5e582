#include "runtime/ConfigSchema.hpp"

#include "ratatoskr/error.hpp"

namespace rtk::host {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw Error(Errc::Config, path + ": " + why);
}

bool hasType(const json::Value& value, const std::string& type) {
  if (type == "object") return value.isObject();
  if (type == "array") return value.isArray();
  if (type == "string") return value.isString();
  if (type == "integer") return value.isInteger();
  if (type == "number") return value.isNumber();
  if (type == "boolean") return value.isBool();
  if (type == "null") return value.isNull();
  return false;
}

std::string describe(const json::Value& value) {
  if (value.isString() || value.isNumber() || value.isBool()) return std::string(value.typeName()) + " " + value.dump();
  return value.typeName();
}

}  // namespace

ConfigSchema::ConfigSchema(std::string_view schemaText) {
  if (schemaText.empty()) return;
  try {
    schema_ = json::Value::parse(schemaText);
  } catch (const Error& e) {
    throw Error(Errc::Config, std::string("config schema: ") + e.what());
  }
  if (!schema_.isObject()) throw Error(Errc::Config, std::string("config schema: expected an object, got ") + schema_.typeName());
  hasSchema_ = true;
}

json::Value ConfigSchema::apply(const json::Value& config, const std::string& path) const {
  if (!hasSchema_) {
    if (config.isNull() || (config.isObject() && config.empty())) return json::Value::object();
    fail(path, "this plugin takes no settings (it declares no config schema)");
  }
  // A module without settings starts from an empty object, so defaults apply.
  return applyNode(schema_, config.isNull() ? json::Value::object() : config, path);
}

json::Value ConfigSchema::applyNode(const json::Value& schema, const json::Value& value, const std::string& path) const {
  if (!schema.isObject()) return value;  // `true`-style schemas: anything goes

  if (const auto* type = schema.find("type")) {
    bool ok = false;
    std::string expected;
    if (type->isString()) {
      ok = hasType(value, type->asString());
      expected = type->asString();
    } else if (type->isArray()) {
      for (std::size_t i = 0; i < type->size(); ++i) {
        if (!(*type)[i].isString()) continue;
        ok = ok || hasType(value, (*type)[i].asString());
        expected += (expected.empty() ? "" : " or ") + (*type)[i].asString();
      }
    }
    if (!ok) fail(path, "expected " + expected + ", got " + describe(value));
  }

  if (const auto* choices = schema.find("enum"); choices && choices->isArray()) {
    bool found = false;
    std::string list;
    for (std::size_t i = 0; i < choices->size(); ++i) {
      found = found || (*choices)[i] == value;
      list += (i ? ", " : "") + (*choices)[i].dump();
    }
    if (!found) fail(path, value.dump() + " is not one of " + list);
  }

  if (value.isNumber()) {
    if (const auto* min = schema.find("minimum"); min && min->isNumber() && value.asDouble() < min->asDouble())
      fail(path, value.dump() + " is below the minimum " + min->dump());
    if (const auto* max = schema.find("maximum"); max && max->isNumber() && value.asDouble() > max->asDouble())
      fail(path, value.dump() + " is above the maximum " + max->dump());
  }

  if (value.isString()) {
    auto len = value.asString().size();
    if (const auto* min = schema.find("minLength"); min && min->isInteger() && len < min->asUint64())
      fail(path, "string is " + std::to_string(len) + " bytes, shorter than " + min->dump());
    if (const auto* max = schema.find("maxLength"); max && max->isInteger() && len > max->asUint64())
      fail(path, "string is " + std::to_string(len) + " bytes, longer than " + max->dump());
  }

  if (value.isArray()) {
    if (const auto* min = schema.find("minItems"); min && min->isInteger() && value.size() < min->asUint64())
      fail(path, "array has " + std::to_string(value.size()) + " items, fewer than " + min->dump());
    if (const auto* max = schema.find("maxItems"); max && max->isInteger() && value.size() > max->asUint64())
      fail(path, "array has " + std::to_string(value.size()) + " items, more than " + max->dump());
    if (const auto* items = schema.find("items")) {
      json::Value out = json::Value::array();
      for (std::size_t i = 0; i < value.size(); ++i)
        out.push(applyNode(*items, value[i], path + "[" + std::to_string(i) + "]"));
      return out;
    }
    return value;
  }

  if (!value.isObject()) return value;

  static const json::Value noProperties = json::Value::object();
  const json::Value* properties = schema.find("properties");
  if (!properties || !properties->isObject()) properties = &noProperties;
  const json::Value* additional = schema.find("additionalProperties");

  json::Value out = json::Value::object();
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string& key = value.keyAt(i);
    std::string childPath = path + "." + key;
    if (const auto* sub = properties->find(key)) {
      out.set(key, applyNode(*sub, value.at(i), childPath));
    } else if (additional && additional->isBool() && !additional->asBool()) {
      std::string allowed;
      for (const auto& k : properties->keys()) allowed += (allowed.empty() ? "" : ", ") + k;
      fail(path, "unknown key \"" + key + "\"" + (allowed.empty() ? " (no keys allowed)" : " (allowed: " + allowed + ")"));
    } else if (additional && additional->isObject()) {
      out.set(key, applyNode(*additional, value.at(i), childPath));
    } else {
      out.set(key, value.at(i));
    }
  }
  // Defaults for missing members, validated like given values.
  for (std::size_t i = 0; i < properties->size(); ++i) {
    const std::string& key = properties->keyAt(i);
    if (out.contains(key)) continue;
    const auto& sub = properties->at(i);
    if (const auto* def = sub.isObject() ? sub.find("default") : nullptr) out.set(key, applyNode(sub, *def, path + "." + key));
  }
  if (const auto* required = schema.find("required"); required && required->isArray()) {
    for (std::size_t i = 0; i < required->size(); ++i) {
      const auto& key = (*required)[i];
      if (key.isString() && !out.contains(key.asString())) fail(path, "missing required key \"" + key.asString() + "\"");
    }
  }
  return out;
}

}  // namespace rtk::host
