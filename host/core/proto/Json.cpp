#include "core/proto/Json.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "ratatoskr/error.hpp"

namespace rtk::core::proto::json {

namespace {

int stringifyOptions() { return Poco::JSON_PRESERVE_KEY_ORDER | Poco::JSON_WRAP_STRINGS; }

}  // namespace

Var parse(std::string_view text, Order order) {
  // Wrapping in [ ] lets Poco's handler take a scalar at the top level; a
  // second value ("1,2") shows up as a second element.
  std::string wrapped;
  wrapped.reserve(text.size() + 2);
  wrapped.append("[").append(text).append("]");
  try {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(order == Order::Keep));
    // From a stream, not Parser::parse(std::string): the string reader
    // takes a 0xFF byte for the end of input, so "[0]\xff<garbage>" passed
    // its excess-characters check (found by fuzz_admin_request).
    std::istringstream in(wrapped);
    Var result = parser.parse(in);
    ArrayPtr items = asArray(result);
    if (!items || items->size() != 1)
      throw Error(Errc::InvalidArgument, "json: expected exactly one value");
    return items->get(0);
  } catch (const Poco::Exception& e) {
    throw Error(Errc::InvalidArgument, "json: " + e.displayText());
  } catch (const std::exception& e) {
    if (dynamic_cast<const Error*>(&e)) throw;
    throw Error(Errc::InvalidArgument, std::string("json: ") + e.what());
  }
}

std::optional<Var> tryParse(std::string_view text, Order order) noexcept {
  try {
    return parse(text, order);
  } catch (...) {
    return std::nullopt;
  }
}

std::string write(const Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(value, out, 0, -1, stringifyOptions());
  return out.str();
}

std::string writeIndented(const Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(value, out, 2, 2, stringifyOptions());
  return out.str();
}

ObjectPtr object(Order order) {
  return new Poco::JSON::Object(order == Order::Keep ? Poco::JSON_PRESERVE_KEY_ORDER : 0);
}

ArrayPtr array() { return new Poco::JSON::Array(Poco::JSON_PRESERVE_KEY_ORDER); }

bool isObject(const Var& v) { return v.type() == typeid(ObjectPtr); }
bool isArray(const Var& v) { return v.type() == typeid(ArrayPtr); }

ObjectPtr asObject(const Var& v) { return isObject(v) ? v.extract<ObjectPtr>() : ObjectPtr(); }
ArrayPtr asArray(const Var& v) { return isArray(v) ? v.extract<ArrayPtr>() : ArrayPtr(); }

const char* kindName(const Var& v) {
  if (v.isEmpty()) return "null";
  if (isObject(v)) return "object";
  if (isArray(v)) return "array";
  if (v.isBoolean()) return "bool";
  if (v.isString()) return "string";
  if (v.isNumeric()) return "number";
  return "value";
}

}  // namespace rtk::core::proto::json
