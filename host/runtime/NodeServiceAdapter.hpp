// rtk::host::NodeServiceAdapter — exports any rtk::NodeInterface as the C
// node service table "ratatoskr.node/1" (sdk/include/ratatoskr/services/node.h).
//
// The host registers the adapter's table in the ServiceRegistry under the
// provider "core"; plugins wrap it back into rtk::NodeInterface with
// rtk::sdk::NodeClient. Each C function is a noexcept trampoline: it calls
// the node and turns rtk::Error into its status (Errc + 1) plus message,
// other exceptions into RTK_ERR_UNKNOWN. Structured results are encoded with
// the SDK's rtk::sdk::nodejson so both sides agree on one form.
//
// Handles: rtk_conn / rtk_listener / rtk_packetconn are the node's own
// Conn / Listener / PacketConn objects, owned by the caller until *_free.
// Admin handlers registered through the table keep their C context alive
// inside the std::function given to the node; release() runs when the node
// drops the last copy (or the registration fails).
//
// close() on the table is refused (RTK_ERR_NOT_SUPPORTED) unless allowClose:
// the host owns the node's lifetime, not its plugins.
//
// Lifetime: the adapter holds a shared_ptr to the node; it must outlive every
// plugin that uses the table (the host destroys it after unloading them).
// Thread-safety: the table's functions follow services/node.h; the adapter
// itself is immutable after construction.
#pragma once

#include <memory>

#include "ratatoskr/log.hpp"
#include "ratatoskr/node_interface.hpp"
#include "ratatoskr/services/node.h"
#include "runtime/HostExport.hpp"

namespace rtk::host {

class RTK_HOST_API NodeServiceAdapter {
 public:
  struct Options {
    bool allowClose = false;
  };

  NodeServiceAdapter(std::shared_ptr<NodeInterface> node, Log log, Options options);
  NodeServiceAdapter(std::shared_ptr<NodeInterface> node, Log log) : NodeServiceAdapter(std::move(node), std::move(log), Options{}) {}
  NodeServiceAdapter(const NodeServiceAdapter&) = delete;
  NodeServiceAdapter& operator=(const NodeServiceAdapter&) = delete;

  const rtk_node_service* table() const noexcept { return &table_; }
  NodeInterface& node() const noexcept { return *node_; }

 private:
  friend struct NodeServiceTrampolines;

  std::shared_ptr<NodeInterface> node_;
  Log log_;
  Options options_;
  rtk_node_service table_{};
};

}  // namespace rtk::host
