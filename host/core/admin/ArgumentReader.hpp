// ArgumentReader — reads a handler's "arguments" the way the real node's
// handlers do: json.Unmarshal into a Go struct whose fields are all strings,
// with Go's error texts, e.g.
//   json: cannot unmarshal number into Go value of type admin.GetSelfRequest
//   json: cannot unmarshal number into Go struct field GetNodeInfoRequest.key of type string
//
// Parsed with Poco::JSON; Go's rules applied to the result: null (or no
// arguments) leaves every field empty; keys match field names
// case-insensitively; a null member leaves the field alone; unknown members
// are ignored; the first type error is reported after the whole object was
// read. Text that is not JSON at all gets Poco's reason.
//
// Pure functions, thread-safe.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

namespace rtk::core::admin {

class ArgumentReader {
 public:
  // goType: the Go request type, package-qualified ("core.GetNodeInfoRequest").
  // fields: the JSON names of its string fields. Returns field → value
  // (fields not given map to ""). Throws rtk::Error(Errc::InvalidArgument)
  // with Go's error text.
  static std::map<std::string, std::string> read(std::string_view argumentsJson, std::string_view goType,
                                                 std::initializer_list<std::string_view> fields);
};

}  // namespace rtk::core::admin
