// NetInterfaces — the OS's network interfaces as multicast discovery sees
// them: flags from getifaddrs, IPv6 link-local addresses from
// /proc/net/if_inet6 (which, unlike getifaddrs, tells tentative addresses
// apart: those still under duplicate address detection cannot be bound, so
// they are left out until usable).
// Thread-safety: reentrant.
#pragma once

#include <string>
#include <vector>

namespace rtk::core::multicast {

struct NetInterface {
  std::string name;
  unsigned index = 0;
  bool up = false, running = false, multicast = false, pointToPoint = false;
  std::vector<std::string> linkLocal;  // "fe80::1", no zone, in the kernel's order
};

// Every interface; empty when the system will not say (logged by the caller).
std::vector<NetInterface> listNetInterfaces();

// One /proc/net/if_inet6 line, e.g.
// "fe800000000000000000000000000001 02 40 20 80     eth0": the address as
// text when it is link-local (scope 0x20) and neither tentative nor failed
// DAD, with the interface name; false otherwise.
bool parseIfInet6Line(const std::string& line, std::string& address, std::string& interface);

}  // namespace rtk::core::multicast
