// The "ninfo" plugin: asks other nodes for their NodeInfo (Ask / AskAddr of
// the Go ninfo) and reads it — built-in sigils with rtk_sigil_core, custom
// sigils with every sigil plugin enabled here. Reached through its service
// "ratatoskr.ninfo/1", the admin commands `ask` and `askStats`, and
// `ratatoskr ask`. See README.md.
#include <memory>
#include <set>
#include <vector>

#include "AskAdminCommands.hpp"
#include "NinfoService.hpp"
#include "SigilServiceParser.hpp"
#include "ninfo/Asker.hpp"
#include "ninfo/BuiltinSigilCatalog.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/admin.hpp"
#include "ratatoskr/services/diagnostics.hpp"
#include "ratatoskr/services/ninfo.h"
#include "ratatoskr/services/peers.hpp"
#include "ratatoskr/sigil.h"

namespace rtk::plugins::ninfo {

class NinfoPlugin final : public sdk::Plugin {
 public:
  static constexpr sdk::PluginInfo info{
      .name = "ninfo",
      .version = "1.0.0",
      .description = "asks other nodes for their NodeInfo and reads their sigils",
      .providedServices = {RTK_NINFO_SERVICE_ID},
      .requiredServices = {RTK_DIAGNOSTICS_SERVICE_ID, RTK_PEERS_SERVICE_ID, RTK_ADMIN_SERVICE_ID},
      .optionalServices = {RTK_SIGIL_SERVICE_ID},
      .configSchema = R"({
        "type": "object",
        "properties": {
          "MaxAskTimeMs": {"type": "integer", "minimum": -1, "maximum": 86400000, "default": 30000},
          "AskRetryPauseMs": {"type": "integer", "minimum": -1, "maximum": 3600000, "default": 500},
          "LookupIntervalMs": {"type": "integer", "minimum": 0, "maximum": 60000, "default": 100},
          "MaxLookupTimeMs": {"type": "integer", "minimum": -1, "maximum": 86400000, "default": 30000}
        },
        "additionalProperties": false
      })"};

  // Load phase: settings, service clients and the custom parsers; no thread yet.
  explicit NinfoPlugin(sdk::Host& host)
      : log_(host.log()),
        options_(optionsFrom(host.config())),
        diagnostics_(sdk::DiagnosticsClient::fromHost(host)),
        peers_(sdk::PeersClient::fromHost(host)),
        admin_(sdk::AdminClient::fromHost(host)),
        upstream_(*diagnostics_, *peers_, log_),
        catalog_(customParsers(host)) {
    (void)rtk::ninfo::AskTiming::from(options_);  // refuses bad options now, not at start
  }

  // The service answers only once everything else is in place; a failure
  // before (an admin command name taken) leaves it closed.
  void start() override {
    asker_ = std::make_unique<rtk::ninfo::Asker>(upstream_, catalog_, options_, log_);
    commands_ = std::make_unique<AskAdminCommands>(*asker_, AskAdminCommands::defaultTimeoutFor(options_));
    admin_->add("ask", "Ask a node for its NodeInfo and read its sigils", {"target", "timeout"},
                [this](std::string_view args) { return commands_->ask(args); });
    admin_->add("askStats", "Show the ninfo plugin's ask and lookup counters", {},
                [this](std::string_view args) { return commands_->stats(args); });
    service_.attach(*asker_);
  }

  // The host has removed the admin commands already; dependents of the
  // service have stopped.
  void stop() override {
    service_.detach();
    if (asker_) asker_->close();
    service_.release();
    commands_.reset();
    asker_.reset();
  }

  const void* service(std::string_view id) override { return id == RTK_NINFO_SERVICE_ID ? service_.table() : nullptr; }

 private:
  static rtk::ninfo::AskOptions optionsFrom(const json::Value& config) {
    rtk::ninfo::AskOptions o;
    o.maxAskTime = std::chrono::milliseconds(config.get("MaxAskTimeMs").asInt64());
    o.askRetryPause = std::chrono::milliseconds(config.get("AskRetryPauseMs").asInt64());
    o.lookupInterval = std::chrono::milliseconds(config.get("LookupIntervalMs").asInt64());
    o.maxLookupTime = std::chrono::milliseconds(config.get("MaxLookupTimeMs").asInt64());
    return o;
  }

  // One parser per sigil plugin enabled here, except the built-in names
  // (read by rtk_sigil_core whether or not their plugins run).
  std::vector<std::shared_ptr<const rtk::ninfo::SigilParser>> customParsers(const sdk::Host& host) const {
    std::vector<std::shared_ptr<const rtk::ninfo::SigilParser>> out;
    std::set<std::string> taken;
    host.eachService(RTK_SIGIL_SERVICE_ID, static_cast<std::uint32_t>(RTK_SIGIL_SERVICE_SIZE_1_0),
                     [&](std::string_view provider, const void* table) {
                       std::shared_ptr<const rtk::ninfo::SigilParser> parser;
                       try {
                         parser = std::make_shared<SigilServiceParser>(*static_cast<const rtk_sigil_service*>(table),
                                                                       std::string(provider));
                       } catch (const Error& e) {
                         log_.warn("not reading sigil of \"", provider, "\": ", e.what());
                         return;
                       }
                       if (rtk::ninfo::BuiltinSigilCatalog::isBuiltinName(parser->name())) return;
                       if (auto why = rtk::ninfo::BuiltinSigilCatalog::refusal(parser.get(), taken)) {
                         log_.warn("not reading sigil of \"", provider, "\": ", *why);
                         return;
                       }
                       log_.debug("reads sigil \"", parser->name(), "\" of \"", provider, "\"");
                       taken.insert(parser->name());
                       out.push_back(std::move(parser));
                     });
    return out;
  }

  Log log_;
  rtk::ninfo::AskOptions options_;
  std::unique_ptr<sdk::DiagnosticsClient> diagnostics_;
  std::unique_ptr<sdk::PeersClient> peers_;
  std::unique_ptr<sdk::AdminClient> admin_;
  rtk::ninfo::NodeUpstream upstream_;
  rtk::ninfo::BuiltinSigilCatalog catalog_;
  NinfoService service_;
  std::unique_ptr<rtk::ninfo::Asker> asker_;
  std::unique_ptr<AskAdminCommands> commands_;
};

}  // namespace rtk::plugins::ninfo

RTK_PLUGIN(rtk::plugins::ninfo::NinfoPlugin)
