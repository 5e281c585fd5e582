// rtk::sdk::NodeInfoClient — the NodeInfo service table (services/nodeinfo.h):
// read our NodeInfo, publish and withdraw this plugin's own keys.
//
//   auto info = rtk::sdk::NodeInfoClient::fromHost(host);
//   info->patch(R"({"motd":"hello"})");        // publish one key
//   info->patch(R"({"motd":null})");           // withdraw it
//
// Errors: rtk::Error — InvalidArgument (not an object, a reserved key),
// AlreadyExists (a key someone else owns; the message names the owner),
// MessageTooLarge (over 16384 bytes). A refused change changes nothing.
// Thread-safety: any thread. Header-only.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/nodeinfo.h"

namespace rtk::sdk {

class NodeInfoClient final {
 public:
  explicit NodeInfoClient(const rtk_nodeinfo_service& table) : t_(&table) {
    if (table.struct_size < RTK_NODEINFO_SERVICE_SIZE_1_0) {
      throw Error(Errc::Abi, "nodeinfo service: table is " + std::to_string(table.struct_size) +
                                 " bytes, need at least " + std::to_string(RTK_NODEINFO_SERVICE_SIZE_1_0));
    }
  }
  static std::unique_ptr<NodeInfoClient> fromHost(const Host& host) {
    return std::make_unique<NodeInfoClient>(host.requireService<rtk_nodeinfo_service>(
        RTK_NODEINFO_SERVICE_ID, static_cast<std::uint32_t>(RTK_NODEINFO_SERVICE_SIZE_1_0)));
  }

  // Our NodeInfo as other nodes receive it (a JSON object).
  std::string get() const {
    StringSink json, err;
    check(t_->get(t_->info, json.get(), err.get()), err, "nodeinfo get");
    return json.take();
  }
  // Replaces every key this plugin publishes ("{}" withdraws them all).
  void set(std::string_view objectJson) {
    StringSink err;
    check(t_->set(t_->info, toStr(objectJson), err.get()), err, "nodeinfo set");
  }
  // Adds or replaces keys; a null value withdraws that key.
  void patch(std::string_view objectJson) {
    StringSink err;
    check(t_->patch(t_->info, toStr(objectJson), err.get()), err, "nodeinfo patch");
  }

 private:
  const rtk_nodeinfo_service* t_;
};

}  // namespace rtk::sdk
