// rtk::host::NodeInfoComposer — our NodeInfo while the host runs: the part
// fixed at start (the conf's "NodeInfo" plus the sigils' fragments and the
// "ratatoskr" metadata key, see SigilAssembler) and the keys plugins publish
// through the NodeInfo service (services/nodeinfo.h).
//
// Every top-level key has one owner: a base key is owned by the conf or by
// the sigil that added it; a published key by the plugin that published it.
// A change is composed in full, checked, and handed to the node
// (NodeInfoInterface::setNodeInfo, which applies the 16 KiB budget and the
// build keys); when anything refuses it, nothing changes.
//
// Errors (rtk::Error): InvalidArgument (not a JSON object, a reserved key:
// the build keys and "ratatoskr"), AlreadyExists (the key's owner is named),
// MessageTooLarge (from the node). Thread-safety: any thread; changes are
// applied one at a time.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/json.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk::host {

class NodeInfoComposer {
 public:
  // baseJson: the NodeInfo the node was created with (a JSON object).
  // baseOwners: who owns each base key ("the conf's NodeInfo", "sigil info"),
  // and each key a sigil owns but does not set (no plugin may publish it).
  NodeInfoComposer(std::shared_ptr<NodeInfoInterface> node, std::string baseJson,
                   std::map<std::string, std::string> baseOwners, Log log);

  // Our NodeInfo as other nodes receive it.
  std::string current() const;
  // Replaces every key `plugin` publishes with the members of objectJson.
  void set(const std::string& plugin, std::string_view objectJson);
  // Adds or replaces members; a null member withdraws that key of `plugin`.
  void patch(const std::string& plugin, std::string_view objectJson);
  // Withdraws every key of `plugin`. Never throws; a refusal is logged.
  void withdraw(const std::string& plugin) noexcept;
  // The keys `plugin` publishes now.
  std::vector<std::string> keysOf(const std::string& plugin) const;

  static bool reservedKey(std::string_view key) noexcept;

 private:
  using Published = std::map<std::string, json::Value>;  // plugin → its object
  static json::Value parseObject(std::string_view text, const std::string& plugin);
  void checkOwnership(const std::string& plugin, const json::Value& object, bool allowNull) const;
  void apply(const std::string& plugin, json::Value object);  // mutex_ held

  std::shared_ptr<NodeInfoInterface> node_;
  json::Value base_;
  std::map<std::string, std::string> baseOwners_;
  Log log_;
  mutable std::mutex mutex_;
  Published published_;
};

}  // namespace rtk::host
