// A veth pair between two namespaces, with one /64 of fd72:746b::/32 (ULA,
// "rtk") and one /24 of 10.77.0.0/16 per link.
//
// Link `index` k gets fd72:746b:0:<k hex>::1 on end a and ::2 on end b, and
// 10.77.<k>.1 / 10.77.<k>.2. Addresses are added with `nodad`, so they are
// usable at once. Both ends are created directly inside their namespaces
// (`ip link add ... netns A type veth peer ... netns B`), so the interface
// name only has to be unique per namespace: "vl<k>".
//
// The pair disappears with either namespace; the object owns no cleanup.
// Thread-safety: const members from any thread.
#pragma once

#include "Netns.hpp"

#include <string>

namespace rtk::interop {

struct VethEnd {
  std::string netns;   // full namespace name
  std::string ifName;  // "vl<k>"
  std::string ipv6;    // without prefix length, e.g. fd72:746b:0:3::1
  std::string ipv4;    // e.g. 10.77.3.1
};

class VethLink {
 public:
  // index in [0, 255]. Throws rtk::Error(InvalidArgument) for a bad index,
  // rtk::Error(Io) when iproute2 fails.
  VethLink(const Netns& a, const Netns& b, int index, int mtuBytes);

  int index() const { return index_; }
  const VethEnd& a() const { return a_; }
  const VethEnd& b() const { return b_; }
  // Fault injection: carrier down/up on both ends (links over it time out).
  void setUp(bool up) const;

 private:
  int index_;
  VethEnd a_;
  VethEnd b_;
};

}  // namespace rtk::interop
