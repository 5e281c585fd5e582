// hello-module: the smallest useful ratatoskr component, built out of tree.
//
// It needs the node service, reads one setting, logs a greeting with the
// node's address when it starts, and answers the admin command "hello".
#include <memory>
#include <string>

#include <ratatoskr/plugin.hpp>
#include <ratatoskr/services/node.hpp>

class HelloModule final : public rtk::sdk::Plugin {
 public:
  static constexpr rtk::sdk::PluginInfo info{
      .name = "hello-module",
      .version = "1.0.0",
      .description = "greets the network once and answers the admin command \"hello\"",
      .requiredServices = {RTK_NODE_SERVICE_ID},
      .configSchema = R"({
        "type": "object",
        "properties": {"Greeting": {"type": "string", "minLength": 1, "default": "hello"}},
        "additionalProperties": false
      })"};

  // The load phase: settings and services only; no threads, no I/O.
  explicit HelloModule(rtk::sdk::Host& host)
      : log_(host.log()),
        node_(rtk::sdk::NodeClient::fromHost(host)),
        greeting_(host.config().get("Greeting").asString()) {}

  void start() override {
    log_.info(greeting_, " from ", rtk::formatAddress(node_->address()));
    // The handler outlives this object (the node keeps it until it closes),
    // so it captures a copy of what it needs, never `this`.
    std::string greeting = greeting_;
    try {
      node_->addAdminHandler("hello", "Say hello", {}, [greeting](std::string_view) {
        rtk::json::Value reply = rtk::json::Value::object();
        reply.set("greeting", greeting);
        return reply.dump();
      });
    } catch (const rtk::Error& e) {
      // An admin command is a nicety: the module works without it.
      log_.warn("no admin command \"hello\": ", e.what());
    }
  }

  void stop() override { log_.info("goodbye"); }

 private:
  rtk::Log log_;
  std::unique_ptr<rtk::sdk::NodeClient> node_;
  std::string greeting_;
};

RTK_PLUGIN(HelloModule)
