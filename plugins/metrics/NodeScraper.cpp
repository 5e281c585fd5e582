#include "NodeScraper.hpp"

#include <chrono>

#include "ratatoskr/net.hpp"

namespace rtk::plugins::metrics {

namespace {

double seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

NodeScraper::NodeScraper(NetworkInterface& network, PeerInterface& peers, DiagnosticInterface& diagnostics,
                         sdk::MetricsClient& metrics, Log log)
    : network_(network), peers_(peers), diagnostics_(diagnostics), metrics_(metrics), log_(std::move(log)) {
  for (const char* s : {"network", "diagnostics", "peers", "metrics"}) errors_[s] = 0;
}

template <class F>
void NodeScraper::guarded(const char* source, F&& f) {
  try {
    f();
    failing_[source] = false;
  } catch (const std::exception& e) {
    ++errors_[source];
    if (!failing_[source]) log_.warn("scrape: reading ", source, " failed: ", e.what());
    failing_[source] = true;
  }
}

void NodeScraper::keep(TextExposition& out, SampleType type, std::string_view name, std::string_view help,
                       std::vector<Label> labels, double value) {
  std::string why;
  if (out.add(type, name, help, std::move(labels), value, &why)) return;
  ++dropped_;
  auto& logged = droppedLogged_[std::string(name)];
  if (!logged) log_.warn("scrape: sample dropped: ", why);
  logged = true;
}

std::string NodeScraper::scrape() {
  std::lock_guard lock(mutex_);
  TextExposition out;
  guarded("network", [&] { addNetwork(out); });
  guarded("diagnostics", [&] { addDiagnostics(out); });
  guarded("peers", [&] { addPeers(out); });
  guarded("metrics", [&] { addServiceSamples(out); });
  addOwn(out);
  return out.render();
}

void NodeScraper::addNetwork(TextExposition& out) {
  keep(out, SampleType::Gauge, "ratatoskr_node_info", "the node's address, subnet and public key; always 1",
       {{"address", formatAddress(network_.address())},
        {"subnet", formatAddress(network_.subnet()) + "/64"},
        {"key", network_.publicKey().hex()}},
       1);
}

void NodeScraper::addDiagnostics(TextExposition& out) {
  auto self = diagnostics_.getSelf();
  keep(out, SampleType::Gauge, "ratatoskr_routing_entries", "entries in the router's routing table", {},
       static_cast<double>(self.routingEntries));
  keep(out, SampleType::Gauge, "ratatoskr_tree_nodes", "nodes in the spanning tree as this node sees it", {},
       static_cast<double>(diagnostics_.getTree().size()));
  keep(out, SampleType::Gauge, "ratatoskr_paths", "source-routed paths the router knows", {},
       static_cast<double>(diagnostics_.getPaths().size()));
  keep(out, SampleType::Gauge, "ratatoskr_sessions", "open end-to-end encrypted sessions", {},
       static_cast<double>(diagnostics_.getSessions().size()));
}

void NodeScraper::addPeers(TextExposition& out) {
  auto peers = peers_.getPeers();
  std::size_t up = 0;
  for (const auto& p : peers) up += p.up ? 1 : 0;
  keep(out, SampleType::Gauge, "ratatoskr_peers", "configured and connected peers, by link state", {{"state", "up"}},
       static_cast<double>(up));
  keep(out, SampleType::Gauge, "ratatoskr_peers", "configured and connected peers, by link state", {{"state", "down"}},
       static_cast<double>(peers.size() - up));
  for (const auto& p : peers) {
    std::vector<Label> labels{{"uri", p.uri}, {"direction", p.inbound ? "inbound" : "outbound"}};
    keep(out, SampleType::Gauge, "ratatoskr_peer_up", "1 while the peer's link is up, else 0", labels, p.up ? 1 : 0);
    if (!p.up) continue;
    labels.emplace_back("key", p.key.hex());
    keep(out, SampleType::Gauge, "ratatoskr_peer_latency_seconds", "the peer link's round-trip time", labels,
         seconds(p.latency));
    keep(out, SampleType::Gauge, "ratatoskr_peer_uptime_seconds", "how long the peer's link has been up", labels,
         seconds(p.uptime));
    keep(out, SampleType::Gauge, "ratatoskr_peer_cost", "the link cost the router uses for the peer", labels,
         static_cast<double>(p.cost));
    keep(out, SampleType::Counter, "ratatoskr_peer_received_bytes_total", "bytes received over the peer's current link",
         labels, static_cast<double>(p.rxBytes));
    keep(out, SampleType::Counter, "ratatoskr_peer_sent_bytes_total", "bytes sent over the peer's current link", labels,
         static_cast<double>(p.txBytes));
    keep(out, SampleType::Counter, "ratatoskr_peer_received_packets_total",
         "link frames received over the peer's current link", labels, static_cast<double>(p.rxPackets));
    keep(out, SampleType::Counter, "ratatoskr_peer_sent_packets_total", "link frames sent over the peer's current link",
         labels, static_cast<double>(p.txPackets));
  }
}

void NodeScraper::addServiceSamples(TextExposition& out) {
  metrics_.collect([&](const sdk::MetricSample& s) {
    std::vector<Label> labels;
    for (const auto& [k, v] : s.labels) labels.emplace_back(std::string(k), std::string(v));
    keep(out, s.type == sdk::MetricType::Counter ? SampleType::Counter : SampleType::Gauge, s.name, s.help,
         std::move(labels), s.value);
  });
}

void NodeScraper::addOwn(TextExposition& out) {
  for (const auto& [source, n] : errors_)
    keep(out, SampleType::Counter, "ratatoskr_metrics_scrape_errors_total", "scrapes in which reading a source failed",
         {{"source", source}}, static_cast<double>(n));
  keep(out, SampleType::Counter, "ratatoskr_metrics_samples_dropped_total",
       "samples left out because their name, labels or type broke the exposition rules", {},
       static_cast<double>(dropped_));
}

}  // namespace rtk::plugins::metrics
