// The "info" sigil plugin: the node's identity card (name, type, location,
// contact, description) in NodeInfo. Rules: sigils/core/README.md.
#include "ratatoskr/sigils/plugin.hpp"
#include "ratatoskr/version.h"

namespace rtk::sigils {

class InfoSigilPlugin final : public BuiltinSigilPlugin {
 public:
  // What the schema can say (types, required, byte lengths, counts); the
  // patterns, code-point counts, printable characters and edge spaces are
  // checked by the sigil when it loads.
  static constexpr sdk::PluginInfo info{
      .name = "info",
      .version = RTK_VERSION,
      .description = "the node's identity card in NodeInfo: name, type, location, contact, description",
      .kind = sdk::PluginKind::Sigil,
      .providedServices = {RTK_SIGIL_SERVICE_ID},
      .configSchema = R"({
        "type": "object",
        "properties": {
          "Name": {"type": "string", "minLength": 4, "maxLength": 64},
          "Type": {"type": "string", "minLength": 2, "maxLength": 32},
          "Location": {"type": "string", "maxLength": 2056},
          "Description": {"type": "string", "maxLength": 2056},
          "Contacts": {
            "type": "object",
            "additionalProperties": {
              "type": "array", "minItems": 1, "maxItems": 8,
              "items": {"type": "string", "minLength": 3, "maxLength": 1032}
            }
          }
        },
        "required": ["Name", "Type"],
        "additionalProperties": false
      })"};

  explicit InfoSigilPlugin(sdk::Host& host) : BuiltinSigilPlugin(host, "info") {}
};

}  // namespace rtk::sigils

RTK_PLUGIN(rtk::sigils::InfoSigilPlugin)
