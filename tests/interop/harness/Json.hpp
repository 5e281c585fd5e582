// Small Poco JSON helpers shared by the harness.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace rtk::interop {

// Parses text that must be one JSON object; throws rtk::Error(Protocol) with
// `context` and the start of the text otherwise.
Poco::JSON::Object::Ptr parseJsonObject(const std::string& text, const std::string& context);
Poco::JSON::Array::Ptr jsonArray(const std::vector<std::string>& items);
// Pretty-printed with `indent` spaces.
std::string toJson(const Poco::JSON::Object::Ptr& object, unsigned indent = 2);

}  // namespace rtk::interop
