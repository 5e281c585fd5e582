#include "ForwardSettings.hpp"

#include <cmath>
#include <set>
#include <string>
#include <utility>

#include "MappingSpec.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::plugins::forward {

namespace {

std::chrono::milliseconds seconds(const json::Value& config, const char* key) {
  double s = config.get(key).asDouble();
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(s * 1000.0)));
}

Mapping mappingFromObject(const json::Value& item, Direction direction, const std::string& path) {
  Mapping m;
  m.direction = direction;
  const json::Value& listen = item.get("Listen");
  const std::string mapped = item.get("Mapped").asString();
  if (isRemote(direction)) {
    std::string portText = listen.isString() ? listen.asString() : listen.dump();
    if (!portText.empty() && portText.front() == ':') portText.erase(0, 1);
    m.ygg.port = parsePort(portText, path + ".Listen: the Yggdrasil port");
    try {
      m.host = parseHostEndpoint(mapped);
    } catch (const Error& e) {
      throw Error(Errc::InvalidArgument, path + ".Mapped: " + e.what());
    }
  } else {
    if (!listen.isString())
      throw Error(Errc::InvalidArgument, path + ".Listen: want \"ip:port\" on the host (e.g. \"127.0.0.1:2222\"), got " + listen.dump());
    try {
      m.host = parseHostEndpoint(listen.asString());
    } catch (const Error& e) {
      throw Error(Errc::InvalidArgument, path + ".Listen: " + e.what());
    }
    m.ygg = parseYggdrasilTarget(mapped, path + ".Mapped");
  }
  const json::Value& keys = item.get("AllowedPublicKeys");
  const json::Value& prefixes = item.get("AllowedPrefixes");
  if (!isRemote(direction) && (!keys.empty() || !prefixes.empty()))
    throw Error(Errc::InvalidArgument, path + ": allow lists apply to RemoteTCP and RemoteUDP (who calls us), not to " +
                                           directionName(direction));
  for (std::size_t i = 0; i < keys.size(); ++i) {
    try {
      m.allowed.addKey(keys[i].asString());
    } catch (const Error& e) {
      throw Error(Errc::InvalidArgument, path + ".AllowedPublicKeys[" + std::to_string(i) + "]: " + e.what());
    }
  }
  for (std::size_t i = 0; i < prefixes.size(); ++i) {
    try {
      m.allowed.addPrefix(prefixes[i].asString());
    } catch (const Error& e) {
      throw Error(Errc::InvalidArgument, path + ".AllowedPrefixes[" + std::to_string(i) + "]: " + e.what());
    }
  }
  m.proxyProtocol = item.get("ProxyProtocol").isBool() && item.get("ProxyProtocol").asBool();
  if (m.proxyProtocol && direction != Direction::RemoteTcp)
    throw Error(Errc::InvalidArgument, path + ".ProxyProtocol: only RemoteTCP mappings send a PROXY header");
  return m;
}

}  // namespace

ForwardSettings ForwardSettings::fromJson(const json::Value& config) {
  ForwardSettings s;
  s.dialTimeout = seconds(config, "DialTimeoutSeconds");
  s.tcpIdleTimeout = seconds(config, "TCPIdleTimeoutSeconds");
  s.tcpCloseTimeout = seconds(config, "TCPCloseTimeoutSeconds");
  s.udpTimeout = seconds(config, "UDPTimeoutSeconds");
  s.udpWriteTimeout = seconds(config, "UDPWriteTimeoutSeconds");
  s.maxTcpConnections = config.get("MaxTCPConnections").asUint64();
  s.maxUdpSessions = config.get("MaxUDPSessions").asUint64();
  s.udpMaxPacketSize = config.get("UDPMaxPacketSize").asUint64();

  // Two mappings may not listen on the same port: one would never bind.
  std::set<std::pair<std::string, std::uint16_t>> yggPorts;   // ("tcp"|"udp", port)
  std::set<std::pair<bool, HostEndpoint>> hostListeners;      // (tcp, endpoint)
  for (Direction d : {Direction::LocalTcp, Direction::RemoteTcp, Direction::LocalUdp, Direction::RemoteUdp}) {
    const json::Value& list = config.get(directionName(d));
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string path = std::string(directionName(d)) + "[" + std::to_string(i) + "]";
      Mapping m = list[i].isString() ? parseMappingSpec(list[i].asString(), d, path) : mappingFromObject(list[i], d, path);
      if (isRemote(d)) {
        if (!yggPorts.emplace(isTcp(d) ? "tcp" : "udp", m.ygg.port).second)
          throw Error(Errc::InvalidArgument, path + ": Yggdrasil " + (isTcp(d) ? "TCP" : "UDP") + " port " +
                                                 std::to_string(m.ygg.port) + " is already forwarded by another mapping");
      } else if (!hostListeners.emplace(isTcp(d), m.host).second) {
        throw Error(Errc::InvalidArgument, path + ": " + formatHostEndpoint(m.host) + " is already listened on by another mapping");
      }
      s.mappings.push_back(std::move(m));
    }
  }
  return s;
}

}  // namespace rtk::plugins::forward
