#include "RealNode.hpp"

#include "Json.hpp"
#include "Tools.hpp"

#include <ratatoskr/error.hpp>

#include <fstream>

namespace rtk::interop {

RealNode::RealNode(NodeSpec spec, const Netns& netns, std::filesystem::path dir)
    : Node(std::move(spec), netns, std::move(dir)) {
  const RunResult r = Subprocess::run({Tools::yggdrasil(), "-genconf", "-json"}, 15000);
  if (!r.ok()) throw Error(Errc::Io, "interop: " + name() + ": conf template: " + r.describe());
  template_ = r.out;
}

Poco::JSON::Object::Ptr RealNode::renderConfig() const {
  const NodeSpec& s = spec();
  auto conf = parseJsonObject(template_, "interop: yggdrasil -genconf -json");
  conf->set("PrivateKey", s.privateKeyHex);
  conf->set("Listen", jsonArray(s.listen));
  conf->set("Peers", jsonArray(s.peers));
  conf->set("InterfacePeers", Poco::JSON::Object::Ptr(new Poco::JSON::Object));
  conf->set("AllowedPublicKeys", jsonArray(s.allowedPublicKeys));
  conf->set("AdminListen", adminEndpoint());
  conf->set("MulticastInterfaces", s.multicastInterfaces ? s.multicastInterfaces : Poco::JSON::Array::Ptr(new Poco::JSON::Array));
  conf->set("IfName", s.ifName);
  conf->set("IfMTU", s.ifMtuBytes);
  conf->set("NodeInfoPrivacy", s.nodeInfoPrivacy);
  conf->set("NodeInfo", nodeInfoOf(s));
  return conf;
}

void RealNode::writeConfig(const std::filesystem::path& path) const {
  std::ofstream out(path, std::ios::trunc);
  out << toJson(renderConfig()) << "\n";
  if (!out) throw Error(Errc::Io, "interop: " + name() + ": cannot write " + path.string());
}

std::vector<std::string> RealNode::processArgv() const {
  return {Tools::yggdrasil(), "-useconffile", confPath().string(), "-loglevel", spec().logLevel};
}

}  // namespace rtk::interop
