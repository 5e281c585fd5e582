// The "inet" sigil: the node's addresses on the Internet (host names, IP
// addresses, URI-like strings),
//   {"inet": ["example.com", "203.0.113.10"]}
// 1 to 32 unique entries, checked for their characters and length only.
#include <algorithm>

#include "Builtins.hpp"
#include "Reading.hpp"

namespace rtk::sigils {
namespace {

using reading::Problem;

constexpr text::Pattern kInetAddrPattern{"^[a-zA-Z0-9._:/-]{4,256}$",
                                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:/-", 4, 256};
constexpr std::size_t kMaxInetAddrs = 32;

Problem readInetAddrs(const json::Value& v, std::string_view label, std::vector<std::string>& out) {
  if (!v.isArray()) return reading::wrongType(label, "an array of addresses", v);
  if (v.empty()) return std::string(label) + ": no addresses (give 1 to 32)";
  if (v.size() > kMaxInetAddrs)
    return std::string(label) + ": " + std::to_string(v.size()) + " addresses, at most " + std::to_string(kMaxInetAddrs);
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::string at = reading::elementPath(label, i);
    if (!v.at(i).isString()) return reading::wrongType(at, "a string", v.at(i));
    const std::string& addr = v.at(i).asString();
    if (auto p = kInetAddrPattern.problem(addr); !p.empty()) return at + ": " + p;
    auto earlier = std::find(out.begin(), out.end(), addr);
    if (earlier != out.end())
      return at + ": " + text::quoted(addr) + " repeats " + reading::elementPath(label, static_cast<std::size_t>(earlier - out.begin()));
    out.push_back(addr);
  }
  return {};
}

json::Value inetFragment(const std::vector<std::string>& addrs) {
  json::Value list = json::Value::array();
  for (const auto& a : addrs) list.push(a);
  json::Value out = json::Value::object();
  out.set("inet", std::move(list));
  return out;
}

class InetSigil final : public BuiltinSigil {
 public:
  std::string_view name() const override { return "inet"; }
  const std::vector<std::string>& keys() const override {
    static const std::vector<std::string> k{"inet"};
    return k;
  }

  json::Value fragmentFromSettings(const json::Value& settings) const override {
    const auto& s = reading::settingsObject(settings, "inet", {"Addrs"});
    const json::Value& addrs = s.get("Addrs");
    if (addrs.isNull()) reading::throwSetting("Addrs", "required: an array of addresses, e.g. [\"example.com\", \"203.0.113.10\"]");
    std::vector<std::string> list;
    reading::checkSetting(readInetAddrs(addrs, "Addrs", list));
    return inetFragment(list);
  }

  std::optional<json::Value> parse(const json::Value& nodeInfo, std::string* why) const override {
    if (!nodeInfo.isObject()) return builtins::noMatch(why, reading::wrongType("NodeInfo", "an object", nodeInfo));
    const json::Value* addrs = nodeInfo.find("inet");
    if (!addrs) return builtins::noMatch(why, "inet: missing");
    std::vector<std::string> list;
    if (auto p = readInetAddrs(*addrs, "inet", list); !p.empty()) return builtins::noMatch(why, p);
    return inetFragment(list);
  }
};

}  // namespace

const BuiltinSigil& builtins::inet() {
  static const InetSigil sigil;
  return sigil;
}

}  // namespace rtk::sigils
