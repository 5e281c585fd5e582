// motd-sigil: publishes a message of the day in the node's NodeInfo,
//   {"motd": {"text": "...", "lang": "en"}}
// and recognises the same block in other nodes' NodeInfo. With
// "Publish": false it only reads other nodes' motd (a parse-only sigil: no
// key and no metadata entry of its own), and Text may be left out.
#include <string>

#include <ratatoskr/sigil.hpp>

class MotdSigil final : public rtk::sdk::Sigil {
 public:
  static constexpr rtk::sdk::PluginInfo info{
      .name = "motd-sigil",
      .version = "1.0.0",
      .description = "a message of the day in NodeInfo",
      .kind = rtk::sdk::PluginKind::Sigil,
      .providedServices = {RTK_SIGIL_SERVICE_ID},
      .configSchema = R"({
        "type": "object",
        "properties": {
          "Text": {"type": "string", "minLength": 1, "maxLength": 256},
          "Lang": {"type": "string", "minLength": 2, "maxLength": 8, "default": "en"},
          "Publish": {"type": "boolean", "default": true}
        },
        "additionalProperties": false
      })"};

  // The sigil's own name ("motd") is what other nodes see in the metadata;
  // the plugin's name is how the conf enables it.
  explicit MotdSigil(rtk::sdk::Host& host)
      : Sigil(host, "motd", {"motd"}),
        text_(host.config().contains("Text") ? host.config().get("Text").asString() : ""),
        lang_(host.config().get("Lang").asString()) {
    if (!host.config().get("Publish").asBool()) {
      setParseOnly();
    } else if (text_.empty()) {
      // The schema cannot say "required unless Publish is false".
      throw rtk::Error(rtk::Errc::Config, "Modules." + host.pluginName() + ".Text: required unless Publish is false");
    }
  }

  rtk::json::Value params() const override {
    rtk::json::Value block = rtk::json::Value::object();
    block.set("text", text_);
    block.set("lang", lang_);
    rtk::json::Value fragment = rtk::json::Value::object();
    fragment.set("motd", std::move(block));
    return fragment;
  }

  // Foreign data is untrusted: check the whole shape, never assume it.
  bool match(const rtk::json::Value& nodeInfo) const override {
    const auto& block = nodeInfo.get("motd");
    if (!block.isObject() || block.size() != 2) return false;
    const auto& text = block.get("text");
    const auto& lang = block.get("lang");
    return text.isString() && !text.asString().empty() && text.asString().size() <= 256 && lang.isString() &&
           lang.asString().size() >= 2 && lang.asString().size() <= 8;
  }

 private:
  std::string text_;
  std::string lang_;
};

RTK_PLUGIN(MotdSigil)
