// Settings — Modules.socks in the conf, turned into what the proxy and the
// resolver run with. The host has already checked the JSON against the
// plugin's schema (types, ranges, defaults filled in, see SocksPlugin.cpp);
// here come the checks a schema cannot express: listener and nameserver
// forms, usernames. Errors are rtk::Error(Config) naming the setting:
// `Modules.socks.Nameserver: ...`.
#pragma once

#include "SettingsSchema.hpp"
#include "ratatoskr/json.hpp"
#include "resolver/Resolver.hpp"
#include "server/ProxySettings.hpp"

namespace rtk::plugins::socks {

struct SocksSettings {
  ProxySettings proxy;
  ResolverSettings resolver;
  bool systemProxy = false;
};


SocksSettings parseSettings(const json::Value& config);

}  // namespace rtk::plugins::socks
