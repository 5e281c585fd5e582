// The "status" plugin: a component that needs the network and peers services
// and periodically logs the node's address and peer count. It proves the
// whole plugin path: the C ABI, service tables wrapped back into the C++
// interfaces, config validated against a schema, a thread started in
// start() and joined in stop().
#include <chrono>
#include <memory>

#include "StatusReporter.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/network.hpp"
#include "ratatoskr/services/peers.hpp"

namespace rtk::plugins::status {

class StatusPlugin final : public sdk::Plugin {
 public:
  static constexpr sdk::PluginInfo info{
      .name = "status",
      .version = "1.0.0",
      .description = "logs the node's address and peer count periodically",
      .requiredServices = {RTK_NETWORK_SERVICE_ID, RTK_PEERS_SERVICE_ID},
      .configSchema = R"({
        "type": "object",
        "properties": {
          "IntervalSeconds": {"type": "integer", "minimum": 1, "maximum": 86400, "default": 60}
        },
        "additionalProperties": false
      })"};

  // Load phase: settings and the node service, no thread yet.
  explicit StatusPlugin(sdk::Host& host)
      : network_(sdk::NetworkClient::fromHost(host)),
        peers_(sdk::PeersClient::fromHost(host)),
        reporter_(*network_, *peers_, host.log(), std::chrono::seconds(host.config().get("IntervalSeconds").asUint64())) {
    host.log().debug("reporting every ", host.config().get("IntervalSeconds").asUint64(), " s");
  }

  void start() override { reporter_.start(); }
  void stop() override { reporter_.stop(); }

 private:
  std::unique_ptr<sdk::NetworkClient> network_;
  std::unique_ptr<sdk::PeersClient> peers_;
  StatusReporter reporter_;
};

}  // namespace rtk::plugins::status

RTK_PLUGIN(rtk::plugins::status::StatusPlugin)
