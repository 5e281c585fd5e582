// The "public" sigil: peering URIs by network group,
//   {"public": {"internet": ["tls://203.0.113.10:443"], "tor": [...]}}
// 1 to 8 groups of 1 to 16 URIs; URIs are checked for their characters and
// length only (not parsed, not dialled).
#include <algorithm>
#include <utility>

#include "Builtins.hpp"
#include "Reading.hpp"

namespace rtk::sigils {
namespace {

using reading::Problem;

constexpr text::Pattern kPublicGroupPattern{"^[a-z0-9]{2,16}$", "abcdefghijklmnopqrstuvwxyz0123456789", 2, 16};
constexpr text::Pattern kPublicUriPattern{"^[a-zA-Z0-9+._/:@\\[\\]-]{8,256}$",
                                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+._/:@[]-", 8, 256};
constexpr std::size_t kMaxPublicGroups = 8;
constexpr std::size_t kMaxUrisPerGroup = 16;

using PeerGroups = std::vector<std::pair<std::string, std::vector<std::string>>>;  // sorted by group

Problem readPeerGroups(const json::Value& v, std::string_view label, PeerGroups& out) {
  if (!v.isObject()) return reading::wrongType(label, "an object of groups of URIs", v);
  if (v.empty()) return std::string(label) + ": no groups (give 1 to 8)";
  if (v.size() > kMaxPublicGroups)
    return std::string(label) + ": " + std::to_string(v.size()) + " groups, at most " + std::to_string(kMaxPublicGroups);
  for (std::size_t g = 0; g < v.size(); ++g) {
    const std::string& group = v.keyAt(g);
    if (auto p = kPublicGroupPattern.problem(group); !p.empty()) return std::string(label) + ": group name " + p;
    std::string path = reading::memberPath(label, group);
    const json::Value& list = v.at(g);
    if (!list.isArray()) return reading::wrongType(path, "an array of URIs", list);
    if (list.empty()) return path + ": an empty group (give 1 to 16 URIs)";
    if (list.size() > kMaxUrisPerGroup)
      return path + ": " + std::to_string(list.size()) + " URIs, at most " + std::to_string(kMaxUrisPerGroup);
    std::vector<std::string> uris;
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::string at = reading::elementPath(path, i);
      if (!list.at(i).isString()) return reading::wrongType(at, "a string", list.at(i));
      if (auto p = kPublicUriPattern.problem(list.at(i).asString()); !p.empty()) return at + ": " + p;
      uris.push_back(list.at(i).asString());
    }
    out.emplace_back(group, std::move(uris));
  }
  std::sort(out.begin(), out.end());
  return {};
}

json::Value publicFragment(const PeerGroups& groups) {
  json::Value map = json::Value::object();
  for (const auto& [group, uris] : groups) {
    json::Value list = json::Value::array();
    for (const auto& u : uris) list.push(u);
    map.set(group, std::move(list));
  }
  json::Value out = json::Value::object();
  out.set("public", std::move(map));
  return out;
}

class PublicSigil final : public BuiltinSigil {
 public:
  std::string_view name() const override { return "public"; }
  const std::vector<std::string>& keys() const override {
    static const std::vector<std::string> k{"public"};
    return k;
  }

  json::Value fragmentFromSettings(const json::Value& settings) const override {
    const auto& s = reading::settingsObject(settings, "public", {"Peers"});
    const json::Value& peers = s.get("Peers");
    if (peers.isNull())
      reading::throwSetting("Peers", "required: an object of groups of peering URIs, e.g. {\"internet\": [\"tls://203.0.113.10:443\"]}");
    PeerGroups groups;
    reading::checkSetting(readPeerGroups(peers, "Peers", groups));
    return publicFragment(groups);
  }

  std::optional<json::Value> parse(const json::Value& nodeInfo, std::string* why) const override {
    if (!nodeInfo.isObject()) return builtins::noMatch(why, reading::wrongType("NodeInfo", "an object", nodeInfo));
    const json::Value* peers = nodeInfo.find("public");
    if (!peers) return builtins::noMatch(why, "public: missing");
    PeerGroups groups;
    if (auto p = readPeerGroups(*peers, "public", groups); !p.empty()) return builtins::noMatch(why, p);
    return publicFragment(groups);
  }
};

}  // namespace

const BuiltinSigil& builtins::publicPeers() {
  static const PublicSigil sigil;
  return sigil;
}

}  // namespace rtk::sigils
