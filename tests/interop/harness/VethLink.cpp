#include "VethLink.hpp"

#include "Tools.hpp"

#include <ratatoskr/error.hpp>

#include <cstdio>

namespace rtk::interop {
namespace {

constexpr int kIpTimeoutMs = 10000;

void ipCheck(const std::vector<std::string>& args) {
  std::vector<std::string> argv{Tools::ip()};
  argv.insert(argv.end(), args.begin(), args.end());
  const RunResult r = Subprocess::run(argv, kIpTimeoutMs);
  if (!r.ok()) throw Error(Errc::Io, "interop: veth: " + r.describe());
}

}  // namespace

VethLink::VethLink(const Netns& a, const Netns& b, int index, int mtuBytes) : index_(index) {
  if (index < 0 || index > 255) {
    throw Error(Errc::InvalidArgument, "interop: veth index " + std::to_string(index) + " not in [0, 255]");
  }
  char hex[8];
  std::snprintf(hex, sizeof hex, "%x", index);
  const std::string ifName = "vl" + std::to_string(index);
  const std::string net6 = std::string("fd72:746b:0:") + hex + "::";
  const std::string net4 = "10.77." + std::to_string(index) + ".";
  a_ = VethEnd{a.name(), ifName, net6 + "1", net4 + "1"};
  b_ = VethEnd{b.name(), ifName, net6 + "2", net4 + "2"};

  ipCheck({"link", "add", ifName, "netns", a.name(), "mtu", std::to_string(mtuBytes), "type", "veth",
           "peer", "name", ifName, "netns", b.name(), "mtu", std::to_string(mtuBytes)});
  for (const VethEnd* end : {&a_, &b_}) {
    ipCheck({"-n", end->netns, "-6", "addr", "add", end->ipv6 + "/64", "dev", ifName, "nodad"});
    ipCheck({"-n", end->netns, "-4", "addr", "add", end->ipv4 + "/24", "dev", ifName});
    ipCheck({"-n", end->netns, "link", "set", ifName, "up"});
  }
}

void VethLink::setUp(bool up) const {
  for (const VethEnd* end : {&a_, &b_}) {
    ipCheck({"-n", end->netns, "link", "set", end->ifName, up ? "up" : "down"});
  }
}

}  // namespace rtk::interop
