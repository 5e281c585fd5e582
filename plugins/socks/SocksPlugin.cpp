// The "socks" plugin: a SOCKS5 proxy (and, when asked, an HTTP CONNECT
// proxy) from this machine into the Yggdrasil network, with the resolver
// it needs offered to every plugin. See README.md.
#include <memory>

#include "ServiceTables.hpp"
#include "Settings.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/admin.hpp"
#include "ratatoskr/services/network.hpp"

namespace rtk::plugins::socks {

namespace {

// yggdrasilctl sends "max=300" as a number; other clients may send text.
std::uint64_t unsignedArgument(const json::Value& args, const char* key) {
  const json::Value* v = args.find(key);
  if (!v) throw Error(Errc::InvalidArgument, std::string("missing argument \"") + key + "\"");
  if (v->isString()) {
    const std::string& s = v->asString();
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos)
      throw Error(Errc::InvalidArgument, std::string("argument \"") + key + "\" is not a number: " + s);
    return std::stoull(s);
  }
  return v->asUint64();
}

}  // namespace

class SocksPlugin final : public sdk::Plugin {
 public:
  static constexpr sdk::PluginInfo info{
      .name = "socks",
      .version = "1.0.0",
      .description = "SOCKS5 and HTTP CONNECT proxy into the Yggdrasil network, and the resolver service",
      .providedServices = {RTK_RESOLVER_SERVICE_ID, RTK_SOCKS_SERVICE_ID},
      .requiredServices = {RTK_NETWORK_SERVICE_ID, RTK_ADMIN_SERVICE_ID},
      .configSchema = kSettingsSchema};

  // Load phase: settings, services, objects; no thread, no socket yet.
  explicit SocksPlugin(sdk::Host& host)
      : log_(host.log()),
        settings_(parseSettings(host.config())),
        network_(sdk::NetworkClient::fromHost(host)),
        admin_(sdk::AdminClient::fromHost(host)),
        resolver_(*network_, settings_.resolver),
        dialer_(*network_, resolver_, settings_.systemProxy),
        server_(settings_.proxy, dialer_, log_),
        state_{server_, resolver_, {}},
        resolverTable_(makeResolverTable(resolver_)),
        socksTable_(makeSocksTable(state_)) {}

  void start() override {
    server_.start();
    state_.running = true;
    const auto& ns = settings_.resolver.nameserver;
    log_.info("resolver: ", ns ? "DNS over Yggdrasil to " + formatEndpoint(*ns) : std::string("no Nameserver (only .pk.ygg names and IP literals)"),
              settings_.systemProxy ? "; SystemProxy on: other destinations are dialled directly" : "");
    // The host removes these before stop() runs, so capturing `this` is safe.
    admin_->add("getSocks", "Show the SOCKS proxy's listeners, connections and counters", {},
                [this](std::string_view) { return socksSnapshot(state_).dump(); });
    admin_->add("setSocksMaxConnections", "Change the SOCKS proxy's MaxConnections while it runs", {"max"},
                [this](std::string_view arguments) {
                  json::Value args = arguments.empty() ? json::Value::object() : json::Value::parse(arguments);
                  const std::uint64_t max = unsignedArgument(args, "max");
                  applyMaxConnections(state_, max);
                  log_.info("MaxConnections set to ", max);
                  json::Value reply = json::Value::object();
                  reply.set("max_connections", max);
                  return reply.dump();
                });
  }

  void stop() override {
    state_.running = false;
    resolver_.close();  // lookups in flight end now, not at their timeout
    server_.stop();
  }

  const void* service(std::string_view id) override {
    if (id == RTK_RESOLVER_SERVICE_ID) return &resolverTable_;
    if (id == RTK_SOCKS_SERVICE_ID) return &socksTable_;
    return nullptr;
  }

 private:
  Log log_;
  SocksSettings settings_;
  std::unique_ptr<sdk::NetworkClient> network_;
  std::unique_ptr<sdk::AdminClient> admin_;
  Resolver resolver_;
  UpstreamDialer dialer_;
  SocksServer server_;
  SocksState state_;
  rtk_resolver_service resolverTable_;
  rtk_socks_service socksTable_;
};

}  // namespace rtk::plugins::socks

RTK_PLUGIN(rtk::plugins::socks::SocksPlugin)
