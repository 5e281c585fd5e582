// A real yggdrasil 0.5.12 node in a namespace, with a TUN interface.
//
// Its conf starts from `yggdrasil -genconf -json` of the installed binary
// (so fields a newer build adds keep their defaults) and is edited: key,
// Listen, Peers, AllowedPublicKeys, AdminListen (unix socket in the node dir),
// IfName/IfMTU, NodeInfo/NodeInfoPrivacy, InterfacePeers {} and
// MulticastInterfaces [] so nothing is announced outside the namespace.
// Thread-safety: one thread.
#pragma once

#include "Node.hpp"

namespace rtk::interop {

class RealNode final : public Node {
 public:
  // Runs `yggdrasil -genconf -json` once for the conf template.
  RealNode(NodeSpec spec, const Netns& netns, std::filesystem::path dir);
  ~RealNode() override = default;

  std::filesystem::path confPath() const override { return dir() / "yggdrasil.conf"; }
  const char* kind() const override { return "yggdrasil"; }
  bool hasTun() const override { return spec().ifName != "none"; }

  // The conf as it will be written for the current spec (tests inspect it).
  Poco::JSON::Object::Ptr renderConfig() const;

 protected:
  void writeConfig(const std::filesystem::path& path) const override;
  std::vector<std::string> processArgv() const override;

 private:
  std::string template_;
};

}  // namespace rtk::interop
