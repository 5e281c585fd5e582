// hello-module: the smallest useful ratatoskr component, built out of tree.
//
// It needs the node service, reads one setting, logs a greeting with the
// node's address when it starts, and answers the admin command "hello".
#include <memory>
#include <string>

#include <ratatoskr/plugin.hpp>
#include <ratatoskr/services/admin.hpp>
#include <ratatoskr/services/network.hpp>

class HelloModule final : public rtk::sdk::Plugin {
 public:
  static constexpr rtk::sdk::PluginInfo info{
      .name = "hello-module",
      .version = "1.0.0",
      .description = "greets the network once and answers the admin command \"hello\"",
      .requiredServices = {RTK_NETWORK_SERVICE_ID, RTK_ADMIN_SERVICE_ID},
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
        greeting_(host.config().get("Greeting").asString()) {}

  void start() override {
    log_.info(greeting_, " from ", rtk::formatAddress(network_->address()));
    // The host removes this command before stop() runs, so capturing `this` is safe.
    admin_->add("hello", "Say hello", {}, [this](std::string_view) {
      rtk::json::Value reply = rtk::json::Value::object();
      reply.set("greeting", greeting_);
      return reply.dump();
    });
  }

  void stop() override { log_.info("goodbye"); }

 private:
  rtk::Log log_;
  std::unique_ptr<rtk::sdk::NetworkClient> network_;
  std::unique_ptr<rtk::sdk::AdminClient> admin_;
  std::string greeting_;
};

RTK_PLUGIN(HelloModule)
