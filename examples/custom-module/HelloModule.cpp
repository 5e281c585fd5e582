// hello-module: a small but complete ratatoskr component, built out of tree
// against the installed SDK.
//
// It shows the whole plugin surface an author needs:
//   - required services (network, admin) and an optional one (every sigil
//     that happens to be enabled: "ratatoskr.sigil/1"), enumerated with
//     Host::eachService;
//   - the address maths of <ratatoskr/address.hpp> (.pk.ygg names);
//   - an admin command, "hello", which the host removes before stop().
#include <memory>
#include <string>
#include <vector>

#include <ratatoskr/address.hpp>
#include <ratatoskr/plugin.hpp>
#include <ratatoskr/services/admin.hpp>
#include <ratatoskr/services/network.hpp>
#include <ratatoskr/sigil.h>

class HelloModule final : public rtk::sdk::Plugin {
 public:
  static constexpr rtk::sdk::PluginInfo info{
      .name = "hello-module",
      .version = "1.0.0",
      .description = "greets the network and answers the admin command \"hello\"",
      .requiredServices = {RTK_NETWORK_SERVICE_ID, RTK_ADMIN_SERVICE_ID},
      .optionalServices = {RTK_SIGIL_SERVICE_ID},
      .configSchema = R"({
        "type": "object",
        "properties": {"Greeting": {"type": "string", "minLength": 1, "default": "hello"}},
        "additionalProperties": false
      })"};

  // The load phase: settings and services only; no threads, no I/O.
  explicit HelloModule(rtk::sdk::Host& host)
      : log_(host.log()),
        network_(rtk::sdk::NetworkClient::fromHost(host)),
        admin_(rtk::sdk::AdminClient::fromHost(host)),
        greeting_(host.config().get("Greeting").asString()) {
    // Every enabled sigil, if any: their names, for the greeting.
    host.eachService(RTK_SIGIL_SERVICE_ID, static_cast<std::uint32_t>(RTK_SIGIL_SERVICE_SIZE_1_0),
                     [this](std::string_view, const void* table) {
                       sigils_.emplace_back(static_cast<const rtk_sigil_service*>(table)->name);
                     });
  }

  void start() override {
    const rtk::PublicKey key = network_->publicKey();
    name_ = rtk::address::pkYggName(key);
    log_.info(greeting_, " from ", rtk::formatAddress(network_->address()), " (", name_, "), ", sigils_.size(),
              " sigil(s) enabled");
    // The host removes this command before stop() runs, so capturing `this` is safe.
    admin_->add("hello", "Say hello", {}, [this](std::string_view) {
      rtk::json::Value reply = rtk::json::Value::object();
      reply.set("greeting", greeting_);
      reply.set("name", name_);
      // The name resolves back to our address: the maths the socks plugin uses for .pk.ygg.
      reply.set("address", rtk::formatAddress(rtk::address::addressForKey(rtk::address::keyFromPkYggName(name_))));
      rtk::json::Value sigils = rtk::json::Value::array();
      for (const auto& s : sigils_) sigils.push(s);
      reply.set("sigils", std::move(sigils));
      return reply.dump();
    });
  }

  void stop() override { log_.info("goodbye"); }

 private:
  rtk::Log log_;
  std::unique_ptr<rtk::sdk::NetworkClient> network_;
  std::unique_ptr<rtk::sdk::AdminClient> admin_;
  std::string greeting_;
  std::vector<std::string> sigils_;
  std::string name_;
};

RTK_PLUGIN(HelloModule)
