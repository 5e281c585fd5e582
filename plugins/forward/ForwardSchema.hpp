// The settings schema of Modules.forward (see ForwardSettings.hpp and
// README.md): what the host checks and fills in before the plugin loads.
#pragma once

// One entry of LocalTCP/RemoteTCP/LocalUDP/RemoteUDP: a yggstack spec string or an object.
#define RTK_FORWARD_MAPPING_ITEM                                                                                    \
  R"({"type": ["string", "object"], "required": ["Listen", "Mapped"], "additionalProperties": false, )"          \
  R"("properties": {"Listen": {"type": ["string", "integer"]}, "Mapped": {"type": "string", "minLength": 1}, )"  \
  R"("AllowedPublicKeys": {"type": "array", "maxItems": 1024, "items": {"type": "string"}}, )"                  \
  R"("AllowedPrefixes": {"type": "array", "maxItems": 1024, "items": {"type": "string"}}, )"                    \
  R"("ProxyProtocol": {"type": "boolean", "default": false}}})"

namespace rtk::plugins::forward {

inline constexpr const char* kForwardSchema =
    R"({"type": "object", "additionalProperties": false, "properties": {)"
    R"("LocalTCP":  {"type": "array", "maxItems": 256, "items": )" RTK_FORWARD_MAPPING_ITEM R"(},)"
    R"("RemoteTCP": {"type": "array", "maxItems": 256, "items": )" RTK_FORWARD_MAPPING_ITEM R"(},)"
    R"("LocalUDP":  {"type": "array", "maxItems": 256, "items": )" RTK_FORWARD_MAPPING_ITEM R"(},)"
    R"("RemoteUDP": {"type": "array", "maxItems": 256, "items": )" RTK_FORWARD_MAPPING_ITEM R"(},)"
    R"(
    "DialTimeoutSeconds":     {"type": "number", "minimum": 0, "maximum": 86400, "default": 10},
    "TCPIdleTimeoutSeconds":  {"type": "number", "minimum": 0, "maximum": 604800, "default": 300},
    "TCPCloseTimeoutSeconds": {"type": "number", "minimum": 0.001, "maximum": 86400, "default": 30},
    "UDPTimeoutSeconds":      {"type": "number", "minimum": 0.001, "maximum": 604800, "default": 120},
    "UDPWriteTimeoutSeconds": {"type": "number", "minimum": 0.001, "maximum": 3600, "default": 5},
    "MaxTCPConnections": {"type": "integer", "minimum": 1, "maximum": 4096, "default": 256},
    "MaxUDPSessions":    {"type": "integer", "minimum": 1, "maximum": 4096, "default": 256},
    "UDPMaxPacketSize":  {"type": "integer", "minimum": 0, "maximum": 65535, "default": 0}
  }})";

}  // namespace rtk::plugins::forward
