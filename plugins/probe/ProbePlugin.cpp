// The "probe" plugin: explores the network from this node — a breadth-first
// crawl over remote peers queries, the tree path to a key, a route trace.
// Reached through its service "ratatoskr.probe/1", the admin commands
// probeTree, probePath and probeTrace, and `ratatoskr probe`. See README.md.
#include <memory>

#include "ProbeCommands.hpp"
#include "ProbeService.hpp"
#include "probe/ProbeUpstream.hpp"
#include "probe/Prober.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/admin.hpp"
#include "ratatoskr/services/diagnostics.hpp"
#include "ratatoskr/services/peers.hpp"

namespace rtk::plugins::probe {

class ProbePlugin final : public sdk::Plugin {
 public:
  static constexpr sdk::PluginInfo info{
      .name = "probe",
      .version = "1.0.0",
      .description = "crawls the network from this node, finds tree paths and traces routes",
      .providedServices = {RTK_PROBE_SERVICE_ID},
      .requiredServices = {RTK_DIAGNOSTICS_SERVICE_ID, RTK_PEERS_SERVICE_ID, RTK_ADMIN_SERVICE_ID},
      .configSchema = R"({
        "type": "object",
        "properties": {
          "MaxTotalNodes": {"type": "integer", "minimum": 1, "maximum": 1000000, "default": 4096},
          "PollIntervalMs": {"type": "integer", "minimum": 1, "maximum": 60000, "default": 200},
          "LookupRetryEveryMs": {"type": "integer", "minimum": 1, "maximum": 600000, "default": 1000},
          "MaxDurationMs": {"type": "integer", "minimum": -1, "maximum": 86400000, "default": 300000},
          "RemoteTimeoutMs": {"type": "integer", "minimum": 100, "maximum": 60000, "default": 6000},
          "HopWaitMs": {"type": "integer", "minimum": 0, "maximum": 60000, "default": 2000},
          "RemoteAttempts": {"type": "integer", "minimum": 1, "maximum": 5, "default": 2}
        },
        "additionalProperties": false
      })"};

  explicit ProbePlugin(sdk::Host& host)
      : log_(host.log()),
        options_(optionsFrom(host.config())),
        diagnostics_(sdk::DiagnosticsClient::fromHost(host)),
        peers_(sdk::PeersClient::fromHost(host)),
        admin_(sdk::AdminClient::fromHost(host)),
        upstream_(*diagnostics_, *peers_) {}

  void start() override {
    prober_ = std::make_unique<rtk::probe::Prober>(upstream_, options_, log_);
    commands_ = std::make_unique<ProbeCommands>(*prober_, log_);
    admin_->add("probeTree", "Crawl the network breadth first from this node (maxDepth required)",
                {"maxDepth", "concurrency", "maxNodes"}, [this](std::string_view a) { return commands_->tree(a); });
    admin_->add("probePath", "Show the spanning-tree path from the root to a key, from the local tree", {"key"},
                [this](std::string_view a) { return commands_->path(a); });
    admin_->add("probeTrace", "Trace the route to a key: lookup, tree path, hops, round trips", {"key"},
                [this](std::string_view a) { return commands_->trace(a); });
    service_.attach(*commands_);
  }

  // The host has removed the admin commands (waiting for those in progress).
  void stop() override {
    if (prober_) prober_->close();
    service_.detach();
    commands_.reset();
    prober_.reset();
  }

  const void* service(std::string_view id) override { return id == RTK_PROBE_SERVICE_ID ? service_.table() : nullptr; }

 private:
  static rtk::probe::ProbeOptions optionsFrom(const json::Value& config) {
    rtk::probe::ProbeOptions o;
    o.maxTotalNodes = static_cast<std::size_t>(config.get("MaxTotalNodes").asInt64());
    o.pollInterval = std::chrono::milliseconds(config.get("PollIntervalMs").asInt64());
    o.lookupRetryEvery = std::chrono::milliseconds(config.get("LookupRetryEveryMs").asInt64());
    o.maxDuration = std::chrono::milliseconds(config.get("MaxDurationMs").asInt64());
    o.remoteTimeout = std::chrono::milliseconds(config.get("RemoteTimeoutMs").asInt64());
    o.hopWait = std::chrono::milliseconds(config.get("HopWaitMs").asInt64());
    o.remoteAttempts = static_cast<int>(config.get("RemoteAttempts").asInt64());
    return o;
  }

  Log log_;
  rtk::probe::ProbeOptions options_;
  std::unique_ptr<sdk::DiagnosticsClient> diagnostics_;
  std::unique_ptr<sdk::PeersClient> peers_;
  std::unique_ptr<sdk::AdminClient> admin_;
  rtk::probe::NodeUpstream upstream_;
  ProbeService service_;
  std::unique_ptr<rtk::probe::Prober> prober_;
  std::unique_ptr<ProbeCommands> commands_;
};

}  // namespace rtk::plugins::probe

RTK_PLUGIN(rtk::plugins::probe::ProbePlugin)
