#include "JsonShape.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <map>

namespace rtk::interop {
namespace {

std::string shape(const Poco::Dynamic::Var& v, int depth, bool dynamicTopKey, const std::set<std::string>& ignored) {
  if (v.isEmpty()) return "null";
  if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
    const auto obj = v.extract<Poco::JSON::Object::Ptr>();
    std::map<std::string, std::string> fields;
    for (const auto& [k, val] : *obj) {
      if (ignored.count(k)) continue;
      fields[(dynamicTopKey && depth == 0) ? "*" : k] = shape(val, depth + 1, dynamicTopKey, ignored);
    }
    std::string out = "{";
    for (const auto& [k, s] : fields) out += (out.size() > 1 ? "," : "") + ("\"" + k + "\":" + s);
    return out + "}";
  }
  if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
    const auto arr = v.extract<Poco::JSON::Array::Ptr>();
    if (arr->size() == 0) return "[]";
    return "[" + shape(arr->get(0), depth + 1, dynamicTopKey, ignored) + "]";
  }
  if (v.isBoolean()) return "bool";
  if (v.isNumeric()) return "number";
  if (v.isString()) return "string";
  return "?";
}

std::string kind(const Poco::Dynamic::Var& v) {
  if (v.isEmpty()) return "null";
  if (v.type() == typeid(Poco::JSON::Object::Ptr)) return "object";
  if (v.type() == typeid(Poco::JSON::Array::Ptr)) return "array";
  if (v.isBoolean()) return "bool";
  if (v.isNumeric()) return "number";
  if (v.isString()) return "string";
  return "?";
}

void diff(const Poco::Dynamic::Var& a, const Poco::Dynamic::Var& b, const std::string& path, bool dynamicTop,
          const std::set<std::string>& optional, std::vector<std::string>& out) {
  const std::string ka = kind(a), kb = kind(b);
  if (ka != kb) {
    out.push_back(path + ": " + ka + " vs " + kb);
    return;
  }
  if (ka == "array") {
    const auto x = a.extract<Poco::JSON::Array::Ptr>(), y = b.extract<Poco::JSON::Array::Ptr>();
    if (x->size() > 0 && y->size() > 0) diff(x->get(0), y->get(0), path + "[0]", false, optional, out);
    return;
  }
  if (ka != "object") return;
  const auto x = a.extract<Poco::JSON::Object::Ptr>(), y = b.extract<Poco::JSON::Object::Ptr>();
  if (dynamicTop) {  // one entry each, keyed by a node's key or address
    if (x->size() != 1 || y->size() != 1) {
      out.push_back(path + ": " + std::to_string(x->size()) + " vs " + std::to_string(y->size()) + " entries");
      return;
    }
    diff(x->begin()->second, y->begin()->second, path + ".*", false, optional, out);
    return;
  }
  for (const auto& [k, v] : *x) {
    if (y->has(k)) diff(v, y->get(k), path + "." + k, false, optional, out);
    else if (!optional.count(k)) out.push_back(path + ": field " + k + " missing on the right");
  }
  for (const auto& [k, v] : *y)
    if (!x->has(k) && !optional.count(k)) out.push_back(path + ": field " + k + " missing on the left");
}

}  // namespace

std::vector<std::string> shapeDifferences(const Poco::Dynamic::Var& left, const Poco::Dynamic::Var& right,
                                          bool dynamicTopKey, const std::set<std::string>& optionalKeys) {
  std::vector<std::string> out;
  diff(left, right, "", dynamicTopKey, optionalKeys, out);
  return out;
}

std::string jsonShape(const Poco::Dynamic::Var& value, bool dynamicTopKey, const std::set<std::string>& ignoredKeys) {
  return shape(value, 0, dynamicTopKey, ignoredKeys);
}

}  // namespace rtk::interop
