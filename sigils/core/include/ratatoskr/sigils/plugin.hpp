#pragma once
// The body every built-in sigil plugin shares (sigils/info, inet, public,
// services): at load, this node's fragment from the plugin's settings
// (BuiltinSigil::fragmentFromSettings, so a broken rule fails the load with
// "Modules.<plugin>.<Setting>: <rule>"); for foreign NodeInfo, the built-in
// parser. Header-only, compiled into each plugin with rtk::sdk::Sigil.
// Thread-safety: as rtk::sdk::Sigil (params/match/parse only read).

#include <string>
#include <string_view>

#include "ratatoskr/error.hpp"
#include "ratatoskr/sigil.hpp"
#include "ratatoskr/sigils/builtin.hpp"

namespace rtk::sigils {

class BuiltinSigilPlugin : public sdk::Sigil {
 public:
  BuiltinSigilPlugin(sdk::Host& host, std::string_view sigilName)
      : Sigil(host, std::string(sigilName), builtinNamed(sigilName).keys()),
        sigil_(builtinNamed(sigilName)),
        fragment_(fragmentFor(host, sigil_)) {
    std::string keys;
    for (const auto& k : fragment_.keys()) keys += (keys.empty() ? "" : ", ") + k;
    host.log().info("publishes ", keys, " (", fragment_.dump().size(), " bytes)");
  }

  json::Value params() const override { return fragment_; }
  bool match(const json::Value& nodeInfo) const override { return sigil_.parse(nodeInfo, nullptr).has_value(); }
  json::Value parse(const json::Value& nodeInfo) const override {
    std::string why;
    auto fragment = sigil_.parse(nodeInfo, &why);
    if (!fragment) throw Error(Errc::InvalidArgument, "sigil \"" + sigilName() + "\": " + why);
    return *fragment;
  }

 private:
  static const BuiltinSigil& builtinNamed(std::string_view name) {
    const BuiltinSigil* s = findBuiltin(name);
    if (!s) throw Error(Errc::InvalidArgument, "no built-in sigil \"" + std::string(name) + "\"");
    return *s;
  }
  // Settings problems name the conf path: Modules.<plugin>.<Setting>.
  static json::Value fragmentFor(sdk::Host& host, const BuiltinSigil& sigil) {
    try {
      return sigil.fragmentFromSettings(host.config());
    } catch (const Error& e) {
      std::string what = e.what();
      std::string prefix = "Modules." + host.pluginName();
      throw Error(Errc::Config, prefix + (what.rfind('"', 0) == 0 ? ": " : ".") + what);
    }
  }

  const BuiltinSigil& sigil_;
  json::Value fragment_;
};

}  // namespace rtk::sigils
