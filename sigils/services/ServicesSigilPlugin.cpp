// The "services" sigil plugin: service labels and their ports in NodeInfo.
// Rules: sigils/core/README.md.
#include "ratatoskr/sigils/plugin.hpp"
#include "ratatoskr/version.h"

namespace rtk::sigils {

class ServicesSigilPlugin final : public BuiltinSigilPlugin {
 public:
  // The schema checks the shape and the port range; the name pattern and
  // the 1..256 entry count are checked by the sigil when it loads.
  static constexpr sdk::PluginInfo info{
      .name = "services",
      .version = RTK_VERSION,
      .description = "service names and ports in NodeInfo",
      .kind = sdk::PluginKind::Sigil,
      .providedServices = {RTK_SIGIL_SERVICE_ID},
      .configSchema = R"({
        "type": "object",
        "properties": {
          "Services": {
            "type": "object",
            "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 65535}
          }
        },
        "required": ["Services"],
        "additionalProperties": false
      })"};

  explicit ServicesSigilPlugin(sdk::Host& host) : BuiltinSigilPlugin(host, "services") {}
};

}  // namespace rtk::sigils

RTK_PLUGIN(rtk::sigils::ServicesSigilPlugin)
