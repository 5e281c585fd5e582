// The smallest mixed topology: a real yggdrasil 0.5.12 node "real" (TUN)
// in namespace "r" and our in-process node "ours" in namespace "o", one veth
// between them; ours dials the real node's tcp listener on the veth.
// The constructor returns once they are peered and the real node's ping6
// reaches our address (answered by our userspace stack).
// Thread-safety: one thread.
#pragma once

#include "InProcessNode.hpp"
#include "Lab.hpp"

#include <functional>
#include <memory>

namespace rtk::interop {

struct RealAndOursOptions {
  int vethMtu = 1500;
  // Edit the specs before anything starts.
  std::function<void(NodeSpec&)> customizeReal;
  std::function<void(InProcessSpec&)> customizeOurs;
  // Runs once the veth exists, before either node starts (link settings
  // that sockets pick up when they connect, e.g. segmentation offload).
  std::function<void(const Netns& realNs, const Netns& ourNs, const VethLink& veth)> prepareLink;
};

class RealAndOurs {
 public:
  explicit RealAndOurs(Lab& lab, RealAndOursOptions options = {});

  Netns& realNs() const { return *realNs_; }
  Netns& ourNs() const { return *ourNs_; }
  RealNode& real() const { return *real_; }
  InProcessNode& ours() const { return *ours_; }
  const VethLink& veth() const { return *veth_; }
  // Our side's veth interface name (for tc netem).
  std::string ourIf() const { return veth_->b().ifName; }

 private:
  Netns* realNs_;
  Netns* ourNs_;
  VethLink* veth_;
  RealNode* real_;
  std::unique_ptr<InProcessNode> ours_;
};

// Blocks until `from`'s namespace ping6 reaches `address` (one echo per try).
long waitPingable(const Netns& from, const std::string& address, int timeoutMs);

}  // namespace rtk::interop
