// Our host program (target ratatoskr-host) as a node in a namespace:
// `ratatoskr --config <node dir>/ratatoskr.conf --plugin-dir <build>/plugins`.
//
// It has no TUN: TCP/UDP run in its userspace stack, and real nodes reach its
// 200::/7 address through the overlay. Its admin socket speaks yggdrasilctl's
// protocol, so the same Yggctl drives it. The conf is written by
// renderOurNodeConf() (OurNodeConf.hpp), the single place to adjust when the
// conf format changes.
// Errors: start() throws rtk::Error(NotFound) when the host is not built.
// Thread-safety: one thread.
#pragma once

#include "Node.hpp"

namespace rtk::interop {

class OurNode final : public Node {
 public:
  OurNode(NodeSpec spec, const Netns& netns, std::filesystem::path dir);
  ~OurNode() override = default;

  std::filesystem::path confPath() const override { return dir() / "ratatoskr.conf"; }
  const char* kind() const override { return "ratatoskr"; }
  bool hasTun() const override { return false; }

 protected:
  void writeConfig(const std::filesystem::path& path) const override;
  std::vector<std::string> processArgv() const override;
};

}  // namespace rtk::interop
