// The "peermgr" plugin: chooses the node's outbound peers from candidates
// (Modules.peermgr.Peers and a public-peers file) by measured round trip,
// per scheme, and keeps them healthy. Reached through its service
// "ratatoskr.peermgr/1" and the admin commands getManagedPeers and
// optimizePeers. See README.md.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "PeermgrService.hpp"
#include "peermgr/PeerManager.hpp"
#include "peermgr/Settings.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/admin.hpp"
#include "ratatoskr/services/peermgr.h"
#include "ratatoskr/services/peers.hpp"

namespace rtk::plugins::peermgr {

using rtk::peermgr::Candidate;

class PeermgrPlugin final : public sdk::Plugin {
 public:
  static constexpr sdk::PluginInfo info{
      .name = "peermgr",
      .version = "1.0.0",
      .description = "chooses the node's peers by measured round trip and keeps them healthy",
      .providedServices = {RTK_PEERMGR_SERVICE_ID},
      .requiredServices = {RTK_PEERS_SERVICE_ID, RTK_ADMIN_SERVICE_ID},
      .configSchema = rtk::peermgr::kSettingsSchema};

  // Load phase: settings, candidates, the static-peers rule; no thread yet.
  explicit PeermgrPlugin(sdk::Host& host)
      : log_(host.log()), peers_(sdk::PeersClient::fromHost(host)), admin_(sdk::AdminClient::fromHost(host)) {
    rtk::peermgr::Settings settings = rtk::peermgr::settingsFrom(host.config());
    for (const auto& n : settings.candidates.notices()) {
      if (n.warning) log_.warn(n.text);
      else log_.info(n.text);
    }
    for (const auto& w : settings.warnings) log_.warn(w);
    std::vector<Candidate> candidates = shareWithStaticPeers(settings);
    log_.info(candidates.size(), " candidate(s), ", settings.options.passive ? "passive" : "active", " mode, MaxPerProto ",
              settings.options.maxPerProto, ", BatchSize ", settings.options.batchSize);
    manager_ = std::make_unique<rtk::peermgr::PeerManager>(*peers_, std::move(candidates), settings.options, log_);
  }

  void start() override {
    admin_->add("getManagedPeers", "Show the peers peermgr manages and every candidate's state", {},
                [this](std::string_view) { return manager_->snapshot().dump(); });
    admin_->add("optimizePeers", "Probe the candidates now and keep the fastest per scheme", {},
                [this](std::string_view) {
                  manager_->optimize();
                  json::Value out = json::Value::object();
                  json::Value managed = json::Value::array();
                  for (const auto& uri : manager_->active()) managed.push(uri);
                  out.set("managed", std::move(managed));
                  return out.dump();
                });
    service_.attach(*manager_);
    manager_->start();
  }

  // The host has removed the admin commands already; dependents of the
  // service have stopped. The manager removes the peers it added.
  void stop() override {
    manager_->stop();
    service_.detach();
  }

  const void* service(std::string_view id) override {
    return id == RTK_PEERMGR_SERVICE_ID ? service_.table() : nullptr;
  }

 private:
  // Go refuses managed peers beside the conf's Peers (ErrPeersConflict).
  // Here: the node's outbound peers at load are not ours; with StaticPeers
  // "refuse" their presence refuses the plugin, with "keep" they stay as
  // they are and candidates naming the same peer are left out.
  std::vector<Candidate> shareWithStaticPeers(const rtk::peermgr::Settings& settings) {
    std::set<std::string> statics;
    std::string shown;
    for (const auto& p : peers_->getPeers()) {
      if (p.inbound) continue;
      auto identity = rtk::peermgr::identityOf(p.uri);
      statics.insert(identity.empty() ? p.uri : identity);
      if (shown.size() < 200) shown += (shown.empty() ? "" : ", ") + p.uri;
    }
    if (!statics.empty() && settings.staticPeers == rtk::peermgr::StaticPeersPolicy::Refuse) {
      throw Error(Errc::Config, "peermgr: the node already has " + std::to_string(statics.size()) +
                                    " outbound peer(s) it does not manage (" + shown +
                                    ", from the conf's Peers/InterfacePeers or added by hand); move them into "
                                    "Modules.peermgr.Peers, or set Modules.peermgr.StaticPeers to \"keep\" to run beside them");
    }
    if (!statics.empty()) log_.info("leaving ", statics.size(), " static peer(s) alone (StaticPeers \"keep\")");
    std::vector<Candidate> out;
    for (const auto& c : settings.candidates.candidates()) {
      if (statics.count(c.uri.identity)) {
        log_.warn(c.origin, ": ", c.uri.redacted(), " is a static peer of the node: left to it, not managed");
        continue;
      }
      out.push_back(c);
    }
    if (out.empty()) throw Error(Errc::Config, "Modules.peermgr: every candidate is a static peer of the node");
    return out;
  }

  Log log_;
  std::unique_ptr<sdk::PeersClient> peers_;
  std::unique_ptr<sdk::AdminClient> admin_;
  PeermgrService service_;
  std::unique_ptr<rtk::peermgr::PeerManager> manager_;
};

}  // namespace rtk::plugins::peermgr

RTK_PLUGIN(rtk::plugins::peermgr::PeermgrPlugin)
