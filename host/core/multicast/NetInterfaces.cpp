#include "core/multicast/NetInterfaces.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>

#include <fstream>
#include <map>
#include <sstream>

namespace rtk::core::multicast {

namespace {

constexpr unsigned kScopeLink = 0x20;
constexpr unsigned kFlagTentative = 0x40;  // IFA_F_TENTATIVE
constexpr unsigned kFlagDadFailed = 0x08;  // IFA_F_DADFAILED

}  // namespace

bool parseIfInet6Line(const std::string& line, std::string& address, std::string& interface) {
  std::istringstream in(line);
  std::string hex, index, prefix, scope, flags, name;
  if (!(in >> hex >> index >> prefix >> scope >> flags >> name) || hex.size() != 32) return false;
  unsigned scopeValue = 0, flagValue = 0;
  try {
    scopeValue = static_cast<unsigned>(std::stoul(scope, nullptr, 16));
    flagValue = static_cast<unsigned>(std::stoul(flags, nullptr, 16));
  } catch (const std::exception&) {
    return false;
  }
  if (scopeValue != kScopeLink || (flagValue & (kFlagTentative | kFlagDadFailed))) return false;
  in6_addr raw{};
  for (int i = 0; i < 16; ++i) {
    try {
      raw.s6_addr[i] = static_cast<std::uint8_t>(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
    } catch (const std::exception&) {
      return false;
    }
  }
  if (!IN6_IS_ADDR_LINKLOCAL(&raw)) return false;
  char text[INET6_ADDRSTRLEN] = {};
  if (!inet_ntop(AF_INET6, &raw, text, sizeof text)) return false;
  address = text;
  interface = name;
  return true;
}

std::vector<NetInterface> listNetInterfaces() {
  std::map<std::string, NetInterface> byName;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return {};
  for (ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_name) continue;
    NetInterface& n = byName[i->ifa_name];
    n.name = i->ifa_name;
    n.up = i->ifa_flags & IFF_UP;
    n.running = i->ifa_flags & IFF_RUNNING;
    n.multicast = i->ifa_flags & IFF_MULTICAST;
    n.pointToPoint = i->ifa_flags & IFF_POINTOPOINT;
  }
  freeifaddrs(list);
  std::ifstream inet6("/proc/net/if_inet6");
  std::string line, address, name;
  while (std::getline(inet6, line)) {
    if (!parseIfInet6Line(line, address, name)) continue;
    auto it = byName.find(name);
    if (it != byName.end()) it->second.linkLocal.push_back(address);
  }
  std::vector<NetInterface> out;
  for (auto& [ifName, n] : byName) {
    n.index = if_nametoindex(ifName.c_str());
    if (n.index != 0) out.push_back(std::move(n));
  }
  return out;
}

}  // namespace rtk::core::multicast
