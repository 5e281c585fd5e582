// Our node assembled by hand in the test process — Core (links, router,
// sessions, IPv6) plus the userspace stack — in one of the lab's
// namespaces, so a test can use TCP/UDP and also look inside the session
// layer (key sequence numbers). Everything here links statically; do not
// mix it with libratatoskr in one executable (two copies of lwIP).
// Thread-safety: as Core and Netstack document.
#pragma once

#include "Lab.hpp"

#include "core/node/Core.hpp"
#include "netstack/Netstack.hpp"

#include <memory>

namespace rtk::interop {

class CoreStack {
 public:
  CoreStack(Lab& lab, const Netns& netns, const std::string& name, std::vector<std::string> peers);
  ~CoreStack();
  core::node::Core& core() { return *core_; }
  netstack::Netstack& stack() { return *stack_; }
  std::string address() const;

 private:
  std::unique_ptr<core::node::Core> core_;
  std::unique_ptr<netstack::Netstack> stack_;
};

}  // namespace rtk::interop
