// The "metrics" plugin: the node, its peers, the host and every plugin's
// collectors as a Prometheus text endpoint (see README.md).
#include <memory>

#include "HttpEndpoint.hpp"
#include "NodeScraper.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/diagnostics.hpp"
#include "ratatoskr/services/metrics.hpp"
#include "ratatoskr/services/network.hpp"
#include "ratatoskr/services/peers.hpp"

namespace rtk::plugins::metrics {

class MetricsPlugin final : public sdk::Plugin {
 public:
  static constexpr sdk::PluginInfo info{
      .name = "metrics",
      .version = "1.0.0",
      .description = "serves the node's, the host's and the plugins' metrics to Prometheus over HTTP",
      .requiredServices = {RTK_NETWORK_SERVICE_ID, RTK_PEERS_SERVICE_ID, RTK_DIAGNOSTICS_SERVICE_ID,
                           RTK_METRICS_SERVICE_ID},
      .configSchema = R"({
        "type": "object",
        "properties": {
          "Listen": {"type": "string", "minLength": 1, "maxLength": 300, "default": "127.0.0.1:9101"},
          "Path": {"type": "string", "minLength": 1, "maxLength": 200, "default": "/metrics"}
        },
        "additionalProperties": false
      })"};

  explicit MetricsPlugin(sdk::Host& host)
      : log_(host.log()),
        network_(sdk::NetworkClient::fromHost(host)),
        peers_(sdk::PeersClient::fromHost(host)),
        diagnostics_(sdk::DiagnosticsClient::fromHost(host)),
        metrics_(sdk::MetricsClient::fromHost(host)),
        scraper_(*network_, *peers_, *diagnostics_, *metrics_, log_),
        endpoint_(host.config().get("Listen").asString(), host.config().get("Path").asString(),
                  [this] { return scraper_.scrape(); }) {
    path_ = host.config().get("Path").asString();
    if (path_.front() != '/') throw Error(Errc::Config, "Modules.metrics.Path: \"" + path_ + "\" must start with /");
  }

  void start() override {
    endpoint_.start();
    log_.info("serving Prometheus metrics on http://", endpoint_.boundAddress(), path_);
  }
  void stop() override { endpoint_.stop(); }

 private:
  Log log_;
  std::unique_ptr<sdk::NetworkClient> network_;
  std::unique_ptr<sdk::PeersClient> peers_;
  std::unique_ptr<sdk::DiagnosticsClient> diagnostics_;
  std::unique_ptr<sdk::MetricsClient> metrics_;
  NodeScraper scraper_;
  HttpEndpoint endpoint_;
  std::string path_;
};

}  // namespace rtk::plugins::metrics

RTK_PLUGIN(rtk::plugins::metrics::MetricsPlugin)
