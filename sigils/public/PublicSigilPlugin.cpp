// The "public" sigil plugin: peering URIs by network group in NodeInfo.
// Rules: sigils/core/README.md.
#include "ratatoskr/sigils/plugin.hpp"
#include "ratatoskr/version.h"

namespace rtk::sigils {

class PublicSigilPlugin final : public BuiltinSigilPlugin {
 public:
  // The schema checks the shape, URI counts and lengths; group names, the
  // 1..8 group count and URI characters are checked by the sigil when it loads.
  static constexpr sdk::PluginInfo info{
      .name = "public",
      .version = RTK_VERSION,
      .description = "peering URIs by network group in NodeInfo",
      .kind = sdk::PluginKind::Sigil,
      .providedServices = {RTK_SIGIL_SERVICE_ID},
      .configSchema = R"({
        "type": "object",
        "properties": {
          "Peers": {
            "type": "object",
            "additionalProperties": {
              "type": "array", "minItems": 1, "maxItems": 16,
              "items": {"type": "string", "minLength": 8, "maxLength": 256}
            }
          }
        },
        "required": ["Peers"],
        "additionalProperties": false
      })"};

  explicit PublicSigilPlugin(sdk::Host& host) : BuiltinSigilPlugin(host, "public") {}
};

}  // namespace rtk::sigils

RTK_PLUGIN(rtk::sigils::PublicSigilPlugin)
