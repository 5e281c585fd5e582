#include "OurAndReal.hpp"

#include "Transport.hpp"
#include "Wait.hpp"

#include <Poco/JSON/Array.h>

namespace rtk::interop {

OurAndRealPlan planOurAndReal(Lab& lab, int port) {
  Netns& nsO = lab.addNetns("o");
  Netns& nsR = lab.addNetns("r");
  const VethLink& link = lab.connect(nsR, nsO);
  const std::string oUri = transportUri(Transport::Tcp, link.b().ipv6, port);
  OurAndRealPlan plan{nsO, nsR, oUri, NodeSpec{.name = "o"}, NodeSpec{.name = "r"}};
  plan.oSpec.listen = {oUri};
  plan.rSpec.peers = {oUri};
  return plan;
}

Poco::JSON::Object::Ptr enabledPlugins(const std::vector<std::string>& names) {
  Poco::JSON::Array::Ptr enabled = new Poco::JSON::Array;
  for (const auto& name : names) enabled->add(name);
  Poco::JSON::Object::Ptr plugins = new Poco::JSON::Object;
  plugins->set("Enabled", enabled);
  return plugins;
}

void waitOnePeerUp(const Node& ours, int timeoutMs) {
  waitUntil(ours.name() + " has its one peer up", timeoutMs, [&] {
    auto peers = ours.ctl().getPeers()->getArray("peers");
    return peers && peers->size() == 1 && peers->getObject(0)->getValue<bool>("up");
  });
}

}  // namespace rtk::interop
