#include "MappingSpec.hpp"

#include <vector>

#include "ratatoskr/error.hpp"

namespace rtk::plugins::forward {
namespace {

[[noreturn]] void refuseSpec(const std::string& flag, std::string_view spec, const std::string& why) {
  throw Error(Errc::InvalidArgument, flag + " \"" + std::string(spec) + "\": " + why);
}

// Splits on ':' outside brackets; "[::1]" stays one part.
std::vector<std::string_view> splitOutsideBrackets(std::string_view spec, const std::string& flag) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  bool inBrackets = false;
  for (std::size_t i = 0; i < spec.size(); ++i) {
    char c = spec[i];
    if (c == '[') {
      if (inBrackets) refuseSpec(flag, spec, "'[' inside brackets");
      inBrackets = true;
    } else if (c == ']') {
      if (!inBrackets) refuseSpec(flag, spec, "']' without '['");
      inBrackets = false;
    } else if (c == ':' && !inBrackets) {
      parts.push_back(spec.substr(start, i - start));
      start = i + 1;
    }
  }
  if (inBrackets) refuseSpec(flag, spec, "'[' is never closed");
  parts.push_back(spec.substr(start));
  return parts;
}

bool isYggdrasilV6(const HostAddress& a) { return a.v6 && (a.bytes[0] & 0xfe) == 0x02; }

}  // namespace

const char* directionName(Direction d) {
  switch (d) {
    case Direction::LocalTcp: return "LocalTCP";
    case Direction::RemoteTcp: return "RemoteTCP";
    case Direction::LocalUdp: return "LocalUDP";
    case Direction::RemoteUdp: return "RemoteUDP";
  }
  return "?";
}

std::string Mapping::describe() const {
  std::string ours = formatEndpoint(ygg);
  if (isRemote(direction)) return std::string(directionName(direction)) + " :" + std::to_string(ygg.port) + " -> " + formatHostEndpoint(host);
  return std::string(directionName(direction)) + " " + formatHostEndpoint(host) + " -> " + ours;
}

Endpoint parseYggdrasilTarget(std::string_view text, const std::string& what) {
  Endpoint e;
  try {
    e = parseEndpoint(text);
  } catch (const Error& err) {
    throw Error(Errc::InvalidArgument, what + ": " + err.what());
  }
  if (e.address.isUnspecified())
    throw Error(Errc::InvalidArgument, what + ": \"" + std::string(text) + "\" has no address (want [200:…]:port)");
  if (!e.address.isYggdrasil())
    throw Error(Errc::InvalidArgument, what + ": " + formatAddress(e.address) + " is not a Yggdrasil address (200::/7)");
  if (e.port == 0) throw Error(Errc::InvalidArgument, what + ": port must not be zero");
  return e;
}

Mapping parseMappingSpec(std::string_view spec, Direction direction, const std::string& flag) {
  if (spec.empty()) refuseSpec(flag, spec, "empty mapping");
  auto parts = splitOutsideBrackets(spec, flag);
  std::string_view first, second, firstPort, secondPort;
  std::string firstJoined;
  switch (parts.size()) {
    case 1: firstPort = secondPort = parts[0]; break;
    case 2: firstPort = parts[0], secondPort = parts[1]; break;
    case 3: firstPort = parts[0], second = parts[1], secondPort = parts[2]; break;
    default: {
      // A:P1:B:P2, where A may be a bare IPv6 literal holding colons of its own.
      std::size_t n = parts.size();
      for (std::size_t i = 0; i + 3 < n; ++i) firstJoined += (i ? ":" : "") + std::string(parts[i]);
      first = firstJoined;
      firstPort = parts[n - 3], second = parts[n - 2], secondPort = parts[n - 1];
    }
  }
  const std::string where = flag + " \"" + std::string(spec) + "\": ";
  Mapping m;
  m.direction = direction;
  auto port = [&](std::string_view text) {
    try {
      return parsePort(text, where + "port");
    } catch (const Error& e) {
      // More than four parts without brackets: an IPv6 address split at its colons.
      if (parts.size() > 4 && spec.find('[') == std::string_view::npos)
        throw Error(Errc::InvalidArgument, std::string(e.what()) + " (IPv6 addresses go in brackets, e.g. [200::1]:22)");
      throw;
    }
  };
  std::uint16_t p1 = port(firstPort), p2 = port(secondPort);

  auto address = [&](std::string_view text, const char* role) {
    auto a = parseHostAddress(text);
    if (!a) {
      bool bareV6 = text.find(':') != std::string_view::npos && text.front() != '[';
      refuseSpec(flag, spec, std::string(role) + " \"" + std::string(text) + "\" is not an IP address literal" +
                                 (bareV6 ? " (put IPv6 addresses in brackets)" : ""));
    }
    return *a;
  };

  if (isRemote(direction)) {
    if (!first.empty())
      refuseSpec(flag, spec, "a remote mapping listens on our own Yggdrasil address: leave the listen address out (e.g. 8080:127.0.0.1:80)");
    m.ygg.port = p1;
    m.host.address = second.empty() ? *parseHostAddress("::1") : address(second, "the host address");
    m.host.port = p2;
    return m;
  }
  if (second.empty())
    refuseSpec(flag, spec, "the Yggdrasil destination is missing (want [listen-ip:]port:[200:…]:port)");
  HostAddress target = address(second, "the Yggdrasil destination");
  if (!target.v6) refuseSpec(flag, spec, "the Yggdrasil destination " + std::string(second) + " is IPv4; Yggdrasil addresses are IPv6 (200::/7)");
  if (!isYggdrasilV6(target))
    refuseSpec(flag, spec, "the destination " + formatHostAddress(target) + " is not a Yggdrasil address (200::/7)");
  std::copy(target.bytes.begin(), target.bytes.end(), m.ygg.address.bytes.begin());
  m.ygg.port = p2;
  m.host.address = first.empty() ? *parseHostAddress("127.0.0.1") : address(first, "the listen address");
  m.host.port = p1;
  return m;
}

}  // namespace rtk::plugins::forward
