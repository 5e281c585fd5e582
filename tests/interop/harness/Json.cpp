#include "Json.hpp"

#include <ratatoskr/error.hpp>

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace rtk::interop {

Poco::JSON::Object::Ptr parseJsonObject(const std::string& text, const std::string& context) {
  try {
    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var value = parser.parse(text);
    if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
      return value.extract<Poco::JSON::Object::Ptr>();
    }
  } catch (const Poco::Exception& e) {
    throw Error(Errc::Protocol, context + ": not JSON (" + e.displayText() + "): " + text.substr(0, 300));
  }
  throw Error(Errc::Protocol, context + ": not a JSON object: " + text.substr(0, 300));
}

Poco::JSON::Array::Ptr jsonArray(const std::vector<std::string>& items) {
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
  for (const auto& item : items) array->add(item);
  return array;
}

std::string toJson(const Poco::JSON::Object::Ptr& object, unsigned indent) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(object, out, indent);
  return out.str();
}

}  // namespace rtk::interop
