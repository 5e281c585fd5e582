#include "runtime/NodeInfoComposer.hpp"

#include "ratatoskr/error.hpp"

namespace rtk::host {

namespace {

constexpr const char* kReserved[] = {"buildname", "buildversion", "buildplatform", "buildarch", "ratatoskr"};

}  // namespace

NodeInfoComposer::NodeInfoComposer(std::shared_ptr<NodeInfoInterface> node, std::string baseJson,
                                   std::map<std::string, std::string> baseOwners, Log log)
    : node_(std::move(node)), base_(json::Value::parse(baseJson)), baseOwners_(std::move(baseOwners)), log_(std::move(log)) {
  if (!node_) throw Error(Errc::InvalidArgument, "nodeinfo: no node");
  if (!base_.isObject()) throw Error(Errc::InvalidArgument, "nodeinfo: the base NodeInfo is not a JSON object");
}

bool NodeInfoComposer::reservedKey(std::string_view key) noexcept {
  for (const char* r : kReserved)
    if (key == r) return true;
  return false;
}

std::string NodeInfoComposer::current() const { return node_->nodeInfo(); }

json::Value NodeInfoComposer::parseObject(std::string_view text, const std::string& plugin) {
  json::Value v;
  try {
    v = json::Value::parse(text);
  } catch (const Error& e) {
    throw Error(Errc::InvalidArgument, "nodeinfo: \"" + plugin + "\": not JSON: " + e.what());
  }
  if (!v.isObject()) throw Error(Errc::InvalidArgument, "nodeinfo: \"" + plugin + "\": expected a JSON object, got " + v.typeName());
  return v;
}

void NodeInfoComposer::checkOwnership(const std::string& plugin, const json::Value& object, bool allowNull) const {
  for (const auto& key : object.keys()) {
    std::string what = "nodeinfo: \"" + plugin + "\" cannot publish \"" + key + "\": ";
    if (reservedKey(key)) throw Error(Errc::InvalidArgument, what + "the key is reserved for the node");
    if (!allowNull && object.get(key).isNull()) throw Error(Errc::InvalidArgument, what + "null is not a value (use patch to withdraw)");
    // A sigil's keys are its own also when its fragment leaves them out.
    if (base_.contains(key) || baseOwners_.contains(key)) {
      auto owner = baseOwners_.find(key);
      throw Error(Errc::AlreadyExists, what + "it is owned by " + (owner == baseOwners_.end() ? "the conf's NodeInfo" : owner->second));
    }
    for (const auto& [other, keys] : published_) {
      if (other != plugin && keys.contains(key)) throw Error(Errc::AlreadyExists, what + "it is owned by plugin \"" + other + "\"");
    }
  }
}

void NodeInfoComposer::apply(const std::string& plugin, json::Value object) {
  json::Value composed = base_;
  for (const auto& [owner, keys] : published_) {
    if (owner == plugin) continue;
    for (std::size_t i = 0; i < keys.size(); ++i) composed.set(keys.keyAt(i), keys.at(i));
  }
  for (std::size_t i = 0; i < object.size(); ++i) composed.set(object.keyAt(i), object.at(i));
  node_->setNodeInfo(composed.dump());  // throws (budget): nothing committed
  if (object.empty()) {
    published_.erase(plugin);
  } else {
    published_[plugin] = std::move(object);
  }
}

void NodeInfoComposer::set(const std::string& plugin, std::string_view objectJson) {
  auto object = parseObject(objectJson, plugin);
  std::lock_guard lock(mutex_);
  checkOwnership(plugin, object, false);
  apply(plugin, std::move(object));
  log_.debug("\"", plugin, "\" publishes ", published_.contains(plugin) ? published_[plugin].size() : 0, " key(s)");
}

void NodeInfoComposer::patch(const std::string& plugin, std::string_view objectJson) {
  auto changes = parseObject(objectJson, plugin);
  std::lock_guard lock(mutex_);
  checkOwnership(plugin, changes, true);
  json::Value mine = published_.contains(plugin) ? published_[plugin] : json::Value::object();
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (changes.at(i).isNull()) {
      mine.erase(changes.keyAt(i));
    } else {
      mine.set(changes.keyAt(i), changes.at(i));
    }
  }
  apply(plugin, std::move(mine));
}

void NodeInfoComposer::withdraw(const std::string& plugin) noexcept {
  try {
    std::lock_guard lock(mutex_);
    if (!published_.contains(plugin)) return;
    std::size_t n = published_[plugin].size();
    apply(plugin, json::Value::object());
    log_.info("withdrew ", n, " NodeInfo key(s) of \"", plugin, "\"");
  } catch (const std::exception& e) {
    log_.error("withdrawing the NodeInfo keys of \"", plugin, "\" failed: ", e.what());
  }
}

std::vector<std::string> NodeInfoComposer::keysOf(const std::string& plugin) const {
  std::lock_guard lock(mutex_);
  auto it = published_.find(plugin);
  return it == published_.end() ? std::vector<std::string>{} : it->second.keys();
}

}  // namespace rtk::host
