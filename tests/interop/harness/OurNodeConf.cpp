#include "OurNodeConf.hpp"

#include "Json.hpp"

namespace rtk::interop {

std::string renderOurNodeConf(const NodeSpec& spec, const std::string& adminEndpoint) {
  Poco::JSON::Object::Ptr conf = new Poco::JSON::Object;
  conf->set("PrivateKey", spec.privateKeyHex);
  conf->set("Listen", jsonArray(spec.listen));
  conf->set("Peers", jsonArray(spec.peers));
  conf->set("AllowedPublicKeys", jsonArray(spec.allowedPublicKeys));
  conf->set("AdminListen", adminEndpoint);
  conf->set("IfMTU", spec.ifMtuBytes);
  conf->set("NodeInfoPrivacy", spec.nodeInfoPrivacy);
  conf->set("NodeInfo", nodeInfoOf(spec));
  if (spec.plugins) conf->set("Plugins", spec.plugins);
  if (spec.modules) conf->set("Modules", spec.modules);
  if (spec.multicastInterfaces) conf->set("MulticastInterfaces", spec.multicastInterfaces);
  return "// ratatoskr conf for interop node \"" + spec.name +
         "\", written by tests/interop/harness (OurNodeConf.cpp)\n" + toJson(conf) + "\n";
}

}  // namespace rtk::interop
