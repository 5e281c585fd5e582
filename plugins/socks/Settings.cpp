#include "Settings.hpp"

#include "server/HostListener.hpp"

namespace rtk::plugins::socks {

namespace {

[[noreturn]] void badSetting(const std::string& setting, const std::string& why) {
  throw Error(Errc::Config, "Modules.socks." + setting + ": " + why);
}

std::chrono::milliseconds seconds(const json::Value& config, const char* key) {
  return std::chrono::milliseconds(config.get(key).asUint64() * 1000);
}

std::vector<std::string> strings(const json::Value& config, const char* key) {
  std::vector<std::string> out;
  const json::Value& list = config.get(key);
  for (std::size_t i = 0; i < list.size(); ++i) out.push_back(list.at(i).asString());
  return out;
}

}  // namespace

SocksSettings parseSettings(const json::Value& config) {
  SocksSettings s;
  ProxySettings& p = s.proxy;
  for (const auto& [key, protocol] : {std::pair{"Listen", ListenSpec::Protocol::Socks}, std::pair{"HttpListen", ListenSpec::Protocol::Http}}) {
    for (const auto& address : strings(config, key)) {
      for (const auto& existing : p.listen)
        if (existing.address == address) badSetting(key, "\"" + address + "\" is listed twice");
      if (!isUnixSocketAddress(address) && address.rfind(':', 0) == 0)
        badSetting(key, "\"" + address + "\" has no host: write 127.0.0.1" + address +
                            " for this machine only, 0.0.0.0" + address + " or [::]" + address + " for every interface");
      p.listen.push_back({address, protocol});
    }
  }
  if (p.listen.empty()) badSetting("Listen", "no listener: give Listen or HttpListen at least one address");
  p.maxConnections = config.get("MaxConnections").asUint64();
  p.handshakeTimeout = seconds(config, "HandshakeTimeoutSeconds");
  p.dialTimeout = seconds(config, "DialTimeoutSeconds");
  p.idleTimeout = seconds(config, "IdleTimeoutSeconds");
  p.verbose = config.get("Verbose").asBool();
  const json::Value& users = config.get("Users");
  for (std::size_t i = 0; i < users.size(); ++i) {
    const std::string& name = users.keyAt(i);
    if (name.empty() || name.size() > 255) badSetting("Users", "usernames must be 1 to 255 bytes (RFC 1929)");
    p.users.emplace(name, users.at(i).asString());
  }
  p.associate.maxTargetsPerSession = config.get("MaxAssociateTargetsPerSession").asUint64();
  p.associate.maxTargetsPerPrincipal = config.get("MaxAssociateTargetsPerPrincipal").asUint64();
  p.associate.maxTargets = config.get("MaxAssociateTargets").asUint64();
  p.associate.maxQueuedPacketsPerTarget = config.get("MaxAssociateQueuedPacketsPerTarget").asUint64();
  p.associate.maxQueuedBytesPerTarget = config.get("MaxAssociateQueuedBytesPerTarget").asUint64();
  p.associate.targetIdle = seconds(config, "AssociateTargetIdleSeconds");

  s.systemProxy = config.get("SystemProxy").asBool();
  const std::string& nameserver = config.get("Nameserver").asString();
  if (!nameserver.empty()) {
    try {
      s.resolver.nameserver = parseNameserver(nameserver);
    } catch (const Error& e) {
      badSetting("Nameserver", e.what());
    }
  }
  s.resolver.lookupTimeout = seconds(config, "NameserverLookupTimeoutSeconds");
  s.resolver.cacheTtl = std::chrono::seconds(config.get("NameserverCacheTTLSeconds").asUint64());
  s.resolver.cacheMaxEntries = config.get("NameserverCacheMaxEntries").asUint64();
  return s;
}

}  // namespace rtk::plugins::socks
