// Our core (host/core/node Core: links, router, sessions, IPv6 layer) in the
// test process, in one of the lab's namespaces, with the test attached to
// its packet interface — where a TUN device or the netstack would be.
// Packets the core delivers are queued; the test takes them with a wait.
// Thread-safety: next()/write() from any thread.
#pragma once

#include "Lab.hpp"

#include "core/node/Core.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace rtk::interop {

class CoreNode {
 public:
  CoreNode(Lab& lab, const Netns& netns, const std::string& name, std::vector<std::string> peers,
           std::vector<std::string> listen = {});
  ~CoreNode();

  core::node::Core& core() { return *core_; }
  const PublicKey& key() const { return core_->publicKey(); }
  Ip6Address address() const { return core_->packets().address(); }
  Ip6Address subnet() const { return core_->packets().subnet(); }
  void write(core::Bytes packet) { core_->packets().writePacket(std::move(packet)); }

  // The next delivered packet that `match` accepts (others are discarded),
  // or nullopt after timeoutMs.
  std::optional<core::Bytes> next(int timeoutMs, const std::function<bool(const core::Bytes&)>& match);
  // Instead of queueing, call `handler` for each packet (on the core thread).
  void setHandler(std::function<void(core::Bytes)> handler);
  std::uint64_t delivered() const;

 private:
  std::unique_ptr<core::node::Core> core_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<core::Bytes> queue_;
  std::function<void(core::Bytes)> handler_;
  std::uint64_t delivered_ = 0;
};

}  // namespace rtk::interop
