// What an rtkc_node is: the embedded rtk::Node and the connections handed
// to the host as descriptors, at most kMaxRelays at a time.
#pragma once

#include "ConfReader.hpp"
#include "FdRelay.hpp"

#include <ratatoskr/node.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace rtkc {

class CapiNode {
 public:
  static constexpr std::size_t kMaxRelays = 64;

  // Starts the node (rtk::Node::create); throws rtk::Error as it does.
  explicit CapiNode(const Conf& conf);
  // stop().
  ~CapiNode();
  CapiNode(const CapiNode&) = delete;
  CapiNode& operator=(const CapiNode&) = delete;

  rtk::Node& node() { return *node_; }
  const rtk::Node& node() const { return *node_; }
  // The peers as the JSON array rtkc.h describes.
  std::string peersJson() const;
  // Dials `target` ("[address]:port" or "<key>.pk.ygg:port") and returns the
  // host's descriptor. Throws rtk::Error naming the target.
  int dial(std::string_view target, std::chrono::milliseconds timeout);
  // Closes every relay (joining their threads), then the node. Idempotent.
  void stop();

 private:
  // Relays that have ended, taken out of the list (destroyed by the caller,
  // outside the lock).
  std::vector<std::unique_ptr<FdRelay>> takeFinished();

  std::shared_ptr<rtk::Node> node_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<FdRelay>> relays_;  // guarded by mutex_
  std::size_t dialing_ = 0;                        // guarded by mutex_: dials counted against the cap
  std::uint64_t nextId_ = 1;                       // guarded by mutex_
  bool stopped_ = false;                           // guarded by mutex_
};

// "[address]:port" as given; "<key>.pk.ygg:port" as the key's address.
// Throws rtk::Error(InvalidArgument) naming `target` for anything else.
std::string dialAddressOf(std::string_view target);

}  // namespace rtkc
