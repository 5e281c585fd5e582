// The "forward" plugin: TCP and UDP port forwarding between the host and
// Yggdrasil (LocalTCP, RemoteTCP, LocalUDP, RemoteUDP), as Go ratatoskr's
// forward module and yggstack's -local-*/-remote-* flags do. See README.md.
//
// Load: settings checked (ForwardSettings), services looked up; nothing
// listens yet. start(): every listener is bound first (one busy port fails
// the start and closes the others), then the threads start and the admin
// command getForwards is added. stop(): the stop signal wakes every wait,
// each mapping ends its connections and sessions, the reaper joins them.
#include <algorithm>
#include <memory>
#include <vector>

#include "ForwardContext.hpp"
#include "ForwardSchema.hpp"
#include "ForwardSettings.hpp"
#include "Forwarder.hpp"
#include "Reaper.hpp"
#include "TcpForwarder.hpp"
#include "UdpForwarder.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/admin.hpp"
#include "ratatoskr/services/diagnostics.hpp"
#include "ratatoskr/services/network.hpp"

namespace rtk::plugins::forward {

class ForwardPlugin final : public sdk::Plugin {
 public:
  static constexpr sdk::PluginInfo info{
      .name = "forward",
      .version = "1.0.0",
      .description = "forwards TCP and UDP ports between the host and Yggdrasil",
      .requiredServices = {RTK_NETWORK_SERVICE_ID, RTK_ADMIN_SERVICE_ID},
      .optionalServices = {RTK_DIAGNOSTICS_SERVICE_ID},
      .configSchema = kForwardSchema};

  explicit ForwardPlugin(sdk::Host& host)
      : log_(host.log()),
        settings_(ForwardSettings::fromJson(host.config())),
        network_(sdk::NetworkClient::fromHost(host)),
        admin_(sdk::AdminClient::fromHost(host)) {
    if (auto* table = static_cast<const rtk_diagnostics_service*>(
            host.findService(RTK_DIAGNOSTICS_SERVICE_ID, static_cast<std::uint32_t>(RTK_DIAGNOSTICS_SERVICE_SIZE_1_0)))) {
      diagnostics_ = std::make_unique<sdk::DiagnosticsClient>(*table, host.log());
    }
  }

  void start() override {
    std::uint64_t mtu = network_->mtu();
    std::size_t largest = mtu > 48 && mtu <= 65535 ? static_cast<std::size_t>(mtu - 48) : 65535 - 48;
    std::size_t maxPacket = settings_.udpMaxPacketSize ? std::min(settings_.udpMaxPacketSize, largest) : largest;
    reaper_ = std::make_unique<Reaper>();
    reaper_->start();
    context_ = std::make_unique<ForwardContext>(*network_, diagnostics_.get(), settings_, log_, *reaper_, maxPacket);
    try {
      for (const Mapping& m : settings_.mappings) {
        if (isTcp(m.direction)) forwarders_.push_back(std::make_unique<TcpForwarder>(*context_, m));
        else forwarders_.push_back(std::make_unique<UdpForwarder>(*context_, m));
      }
    } catch (...) {
      shutDown();
      throw;
    }
    for (auto& f : forwarders_) f->start();
    for (const Mapping& m : settings_.mappings) log_.info("forwarding ", m.describe());
    if (settings_.mappings.empty()) log_.info("no mappings configured (Modules.forward.LocalTCP etc.)");
    // The host removes this command before stop() runs, so `this` outlives every call.
    admin_->add("getForwards", "Show the forward plugin's mappings and their counters", {},
                [this](std::string_view) { return snapshot().dump(); });
  }

  void stop() override { shutDown(); }

 private:
  void shutDown() {
    if (!context_) return;
    context_->stopping.wake();
    context_->cancel.cancel();
    for (auto& f : forwarders_) f->stop();
    forwarders_.clear();
    reaper_->stop();
    context_.reset();
    reaper_.reset();
  }

  json::Value snapshot() const {
    auto mappings = json::Value::array();
    auto totals = json::Value::object();
    std::uint64_t activeTcp = 0, activeUdp = 0, sessionDrops = 0, reverseDrops = 0, terminal = 0;
    for (const auto& f : forwarders_) {
      auto m = f->snapshot();
      bool tcp = m.get("kind").asString().find("TCP") != std::string::npos;
      (tcp ? activeTcp : activeUdp) += m.get("active").asUint64();
      if (!tcp) {
        sessionDrops += m.get("session_drops").asUint64();
        reverseDrops += m.get("reverse_drops").asUint64();
      }
      terminal += m.get("terminal_errors").asUint64();
      mappings.push(std::move(m));
    }
    totals.set("active_tcp", activeTcp);
    totals.set("active_udp", activeUdp);
    totals.set("session_udp_drops", sessionDrops);
    totals.set("reverse_udp_drops", reverseDrops);
    totals.set("terminal_errors", terminal);
    totals.set("max_tcp_connections", static_cast<unsigned long long>(settings_.maxTcpConnections));
    totals.set("max_udp_sessions", static_cast<unsigned long long>(settings_.maxUdpSessions));
    totals.set("udp_max_packet_size", static_cast<unsigned long long>(context_ ? context_->maxPacket : 0));
    auto out = json::Value::object();
    out.set("mappings", std::move(mappings));
    out.set("totals", std::move(totals));
    return out;
  }

  Log log_;
  ForwardSettings settings_;
  std::unique_ptr<sdk::NetworkClient> network_;
  std::unique_ptr<sdk::AdminClient> admin_;
  std::unique_ptr<sdk::DiagnosticsClient> diagnostics_;
  std::unique_ptr<Reaper> reaper_;
  std::unique_ptr<ForwardContext> context_;
  std::vector<std::unique_ptr<Forwarder>> forwarders_;
};

}  // namespace rtk::plugins::forward

RTK_PLUGIN(rtk::plugins::forward::ForwardPlugin)
