// rtk::host::ConfigSchema — validates a module's settings against the JSON
// Schema its plugin declares (rtk_plugin_descriptor::config_schema) and fills
// in defaults, before any plugin code runs.
//
// The supported subset (anything else in the schema is ignored):
//   type                 "object" "array" "string" "integer" "number"
//                        "boolean" "null", or an array of them
//   properties           per-member schemas of an object
//   required             member names that must be present (after defaults)
//   additionalProperties false, or a schema for members not in properties
//   items                the schema of every array element
//   enum                 the allowed values
//   minimum / maximum    numeric bounds (inclusive)
//   minLength / maxLength string length in bytes
//   minItems / maxItems  array length
//   default              used when the member is missing from an object
//
// Errors: rtk::Error(Errc::Config) whose message starts with the path of the
// offending value, e.g.
//   Modules.status.intervalMs: expected integer, got string
//   Modules.status: unknown key "intervl" (allowed: intervalMs, verbose)
//   Modules.status: missing required key "target"
// A schema that is not valid JSON (or not an object) is rejected by the
// constructor with "config schema: ...".
// Thread-safety: immutable after construction.
#pragma once

#include <string>
#include <string_view>

#include "ratatoskr/json.hpp"

namespace rtk::host {

class ConfigSchema {
 public:
  // An empty text means "no schema": only a missing or empty object passes.
  explicit ConfigSchema(std::string_view schemaText);

  // The config with defaults filled in, or throws Errc::Config. `path` names
  // the value in messages ("Modules.status").
  json::Value apply(const json::Value& config, const std::string& path) const;

 private:
  json::Value applyNode(const json::Value& schema, const json::Value& value, const std::string& path) const;

  bool hasSchema_ = false;
  json::Value schema_;
};

}  // namespace rtk::host
