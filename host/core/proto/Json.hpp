// Json — the few Poco::JSON calls the proto and admin code share.
//
// Parsing and writing are Poco::JSON's (Parser, ParseHandler, Stringifier);
// this file only fixes the options both modules need:
//   - any JSON value at the top level (Poco's ParseHandler only takes an
//     object or array there, so a scalar is parsed inside a one-element array);
//   - objects that keep their members in document / insertion order, so
//     replies list their fields in the order the real node's Go structs do,
//     or objects sorted by key where Go marshals a map (NodeInfo);
//   - compact output for the wire, two-space indentation for admin replies.
//
// Values are Poco::Dynamic::Var holding Poco::JSON::Object::Ptr,
// Poco::JSON::Array::Ptr, std::string, bool, an integer or double, or empty
// (null). Poco rejects invalid UTF-8 and unpaired surrogates in strings and
// nests at most 128 deep; such input is simply "not valid JSON" here.
//
// Thread-safety: pure functions; values are not shared between threads.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <string_view>

namespace rtk::core::proto::json {

using Var = Poco::Dynamic::Var;
using ObjectPtr = Poco::JSON::Object::Ptr;
using ArrayPtr = Poco::JSON::Array::Ptr;

enum class Order { Keep, Sorted };

// Exactly one JSON value, optionally surrounded by whitespace. Throws
// rtk::Error(Errc::InvalidArgument) with Poco's reason when it is not.
Var parse(std::string_view text, Order order = Order::Keep);
// As parse(), nullopt instead of throwing.
std::optional<Var> tryParse(std::string_view text, Order order = Order::Keep) noexcept;

// Compact text ({"a":1}).
std::string write(const Var& value);
// Indented by two spaces per level, as yggdrasil's admin socket lays out replies.
std::string writeIndented(const Var& value);

// A new object that keeps insertion order (Order::Keep) or sorts its keys.
ObjectPtr object(Order order = Order::Keep);
ArrayPtr array();

bool isObject(const Var& v);
bool isArray(const Var& v);
ObjectPtr asObject(const Var& v);  // nullptr when not an object
ArrayPtr asArray(const Var& v);    // nullptr when not an array
// The word Go's encoding/json uses for a value's kind in its errors:
// "object", "array", "string", "number", "bool" or "null".
const char* kindName(const Var& v);

}  // namespace rtk::core::proto::json
