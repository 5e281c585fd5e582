#include "Yggctl.hpp"

#include "Json.hpp"
#include "Subprocess.hpp"
#include "Tools.hpp"

#include <ratatoskr/error.hpp>


namespace rtk::interop {

Yggctl::Yggctl(std::string endpoint, int timeoutMs) : endpoint_(std::move(endpoint)), timeoutMs_(timeoutMs) {}

Poco::JSON::Object::Ptr Yggctl::call(const std::string& command, const Args& args) const {
  std::vector<std::string> argv{Tools::yggdrasilctl(), "-json", "-endpoint=" + endpoint_, command};
  for (const auto& [key, value] : args) argv.push_back(key + "=" + value);
  const RunResult r = Subprocess::run(argv, timeoutMs_);
  const std::string context = "yggctl " + endpoint_ + " " + command;
  if (r.timedOut) throw Error(Errc::Timeout, "interop: " + context + ": " + r.describe());
  if (!r.ok()) throw Error(Errc::Io, "interop: " + context + ": " + r.describe());
  return parseJsonObject(r.out, "interop: " + context);
}

bool Yggctl::answers(int timeoutMs) const {
  const RunResult r =
      Subprocess::run({Tools::yggdrasilctl(), "-json", "-endpoint=" + endpoint_, "getSelf"}, timeoutMs);
  return r.ok() && r.out.find("\"key\"") != std::string::npos;
}

Poco::JSON::Object::Ptr Yggctl::getSelf() const { return call("getSelf"); }
Poco::JSON::Object::Ptr Yggctl::getPeers() const { return call("getPeers"); }
Poco::JSON::Object::Ptr Yggctl::getTree() const { return call("getTree"); }
Poco::JSON::Object::Ptr Yggctl::getPaths() const { return call("getPaths"); }
Poco::JSON::Object::Ptr Yggctl::getSessions() const { return call("getSessions"); }
Poco::JSON::Object::Ptr Yggctl::list() const { return call("list"); }

Poco::JSON::Object::Ptr Yggctl::getNodeInfo(const std::string& key) const {
  return call("getNodeInfo", {{"key", key}});
}

Poco::JSON::Object::Ptr Yggctl::debugRemoteGetSelf(const std::string& key) const {
  return call("debug_remoteGetSelf", {{"key", key}});
}

Poco::JSON::Object::Ptr Yggctl::debugRemoteGetPeers(const std::string& key) const {
  return call("debug_remoteGetPeers", {{"key", key}});
}

Poco::JSON::Object::Ptr Yggctl::debugRemoteGetTree(const std::string& key) const {
  return call("debug_remoteGetTree", {{"key", key}});
}

Poco::JSON::Object::Ptr Yggctl::addPeer(const std::string& uri, const std::string& interface) const {
  Args args{{"uri", uri}};
  if (!interface.empty()) args.emplace_back("interface", interface);
  return call("addPeer", args);
}

Poco::JSON::Object::Ptr Yggctl::removePeer(const std::string& uri, const std::string& interface) const {
  Args args{{"uri", uri}};
  if (!interface.empty()) args.emplace_back("interface", interface);
  return call("removePeer", args);
}

std::vector<std::string> Yggctl::upPeerKeys() const {
  std::vector<std::string> keys;
  const auto peers = getPeers()->getArray("peers");
  if (!peers) return keys;
  for (std::size_t i = 0; i < peers->size(); ++i) {
    const auto peer = peers->getObject(static_cast<unsigned>(i));
    if (peer && peer->optValue<bool>("up", false)) keys.push_back(peer->optValue<std::string>("key", ""));
  }
  return keys;
}

std::vector<TreeEntry> Yggctl::treeEntries() const {
  std::vector<TreeEntry> entries;
  const auto tree = getTree()->getArray("tree");
  if (!tree) return entries;
  for (std::size_t i = 0; i < tree->size(); ++i) {
    const auto entry = tree->getObject(static_cast<unsigned>(i));
    if (entry) {
      entries.push_back(TreeEntry{entry->optValue<std::string>("key", ""), entry->optValue<std::string>("parent", "")});
    }
  }
  return entries;
}

std::vector<std::string> Yggctl::treeKeys() const {
  std::vector<std::string> keys;
  for (const auto& entry : treeEntries()) keys.push_back(entry.key);
  return keys;
}

}  // namespace rtk::interop
