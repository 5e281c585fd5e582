// The "status" plugin: a component that needs only the node service and
// periodically logs the node's address and peer count. It proves the whole
// plugin path: the C ABI, the node service table wrapped back into
// rtk::NodeInterface, config validated against a schema, a thread started in
// start() and joined in stop().
#include <chrono>
#include <memory>

#include "StatusReporter.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/node.hpp"

namespace rtk::plugins::status {

class StatusPlugin final : public sdk::Plugin {
 public:
  static constexpr sdk::PluginInfo info{
      .name = "status",
      .version = "1.0.0",
      .description = "logs the node's address and peer count periodically",
      .requiredServices = {RTK_NODE_SERVICE_ID},
      .configSchema = R"({
        "type": "object",
        "properties": {
          "IntervalSeconds": {"type": "integer", "minimum": 1, "maximum": 86400, "default": 60}
        },
        "additionalProperties": false
      })"};

  // Load phase: settings and the node service, no thread yet.
  explicit StatusPlugin(sdk::Host& host)
      : node_(sdk::NodeClient::fromHost(host)),
        reporter_(*node_, host.log(), std::chrono::seconds(host.config().get("IntervalSeconds").asUint64())) {
    host.log().debug("reporting every ", host.config().get("IntervalSeconds").asUint64(), " s");
  }

  void start() override { reporter_.start(); }
  void stop() override { reporter_.stop(); }

 private:
  std::unique_ptr<sdk::NodeClient> node_;
  StatusReporter reporter_;
};

}  // namespace rtk::plugins::status

RTK_PLUGIN(rtk::plugins::status::StatusPlugin)
