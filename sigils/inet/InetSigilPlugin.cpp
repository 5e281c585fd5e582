// The "inet" sigil plugin: the node's Internet addresses in NodeInfo.
// Rules: sigils/core/README.md.
#include "ratatoskr/sigils/plugin.hpp"
#include "ratatoskr/version.h"

namespace rtk::sigils {

class InetSigilPlugin final : public BuiltinSigilPlugin {
 public:
  // The schema checks the shape, count and lengths; characters and
  // uniqueness are checked by the sigil when it loads.
  static constexpr sdk::PluginInfo info{
      .name = "inet",
      .version = RTK_VERSION,
      .description = "the node's Internet addresses in NodeInfo",
      .kind = sdk::PluginKind::Sigil,
      .providedServices = {RTK_SIGIL_SERVICE_ID},
      .configSchema = R"({
        "type": "object",
        "properties": {
          "Addrs": {
            "type": "array", "minItems": 1, "maxItems": 32,
            "items": {"type": "string", "minLength": 4, "maxLength": 256}
          }
        },
        "required": ["Addrs"],
        "additionalProperties": false
      })"};

  explicit InetSigilPlugin(sdk::Host& host) : BuiltinSigilPlugin(host, "inet") {}
};

}  // namespace rtk::sigils

RTK_PLUGIN(rtk::sigils::InetSigilPlugin)
