// The settings schema of Modules.socks (the JSON Schema subset of
// sdk/README.md): types, ranges and defaults, checked by the host before
// the plugin loads. README.md describes every setting.
#pragma once

namespace rtk::plugins::socks {

inline constexpr const char* kSettingsSchema = R"({
  "type": "object",
  "properties": {
    "Listen": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 200}, "maxItems": 8,
               "default": ["127.0.0.1:1080"]},
    "HttpListen": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 200}, "maxItems": 8,
                   "default": []},
    "MaxConnections": {"type": "integer", "minimum": 1, "maximum": 65536, "default": 256},
    "HandshakeTimeoutSeconds": {"type": "integer", "minimum": 0, "maximum": 3600, "default": 10},
    "DialTimeoutSeconds": {"type": "integer", "minimum": 0, "maximum": 3600, "default": 10},
    "IdleTimeoutSeconds": {"type": "integer", "minimum": 0, "maximum": 604800, "default": 300},
    "Verbose": {"type": "boolean", "default": false},
    "Users": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 255}, "default": {}},
    "SystemProxy": {"type": "boolean", "default": false},
    "Nameserver": {"type": "string", "maxLength": 100, "default": ""},
    "NameserverLookupTimeoutSeconds": {"type": "integer", "minimum": 1, "maximum": 300, "default": 10},
    "NameserverCacheTTLSeconds": {"type": "integer", "minimum": 0, "maximum": 86400, "default": 30},
    "NameserverCacheMaxEntries": {"type": "integer", "minimum": 0, "maximum": 1000000, "default": 4096},
    "MaxAssociateTargetsPerSession": {"type": "integer", "minimum": 0, "maximum": 65536, "default": 128},
    "MaxAssociateTargetsPerPrincipal": {"type": "integer", "minimum": 0, "maximum": 65536, "default": 0},
    "MaxAssociateTargets": {"type": "integer", "minimum": 1, "maximum": 65536, "default": 1024},
    "MaxAssociateQueuedPacketsPerTarget": {"type": "integer", "minimum": 1, "maximum": 65536, "default": 64},
    "MaxAssociateQueuedBytesPerTarget": {"type": "integer", "minimum": 1, "maximum": 67108864, "default": 65536},
    "AssociateTargetIdleSeconds": {"type": "integer", "minimum": 1, "maximum": 86400, "default": 30}
  },
  "additionalProperties": false
})";

}  // namespace rtk::plugins::socks
