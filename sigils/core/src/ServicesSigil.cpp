// The "services" sigil: service labels and their ports,
//   {"services": {"http": 80, "ssh": 22}}
// 1 to 256 entries; labels only (no TCP/UDP, nothing is checked to listen).
#include <algorithm>
#include <utility>

#include "Builtins.hpp"
#include "Reading.hpp"

namespace rtk::sigils {
namespace {

using reading::Problem;

constexpr text::Pattern kServiceNamePattern{"^[a-z0-9_-]{2,32}$", "abcdefghijklmnopqrstuvwxyz0123456789_-", 2, 32};
constexpr std::size_t kMaxServices = 256;

using ServiceList = std::vector<std::pair<std::string, std::int64_t>>;  // sorted by name

// The entries of `v` ({name: port}); the count is checked before the
// entries, as Go does.
Problem readServices(const json::Value& v, std::string_view label, ServiceList& out) {
  if (!v.isObject()) return reading::wrongType(label, "an object of service names and ports", v);
  if (v.empty()) return std::string(label) + ": no services (give 1 to 256)";
  if (v.size() > kMaxServices)
    return std::string(label) + ": " + std::to_string(v.size()) + " services, at most " + std::to_string(kMaxServices);
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string& name = v.keyAt(i);
    std::string path = reading::memberPath(label, name);
    if (auto p = kServiceNamePattern.problem(name); !p.empty()) return std::string(label) + ": service name " + p;
    const json::Value& port = v.at(i);
    if (!reading::isIntegerIn(port, 1, 65535))
      return path + ": the port must be a whole number from 1 to 65535, not " +
             (port.isNumber() ? port.dump() : std::string(port.isNull() ? "null" : port.typeName()));
    out.emplace_back(name, port.asInt64());
  }
  std::sort(out.begin(), out.end());
  return {};
}

json::Value servicesFragment(const ServiceList& services) {
  json::Value map = json::Value::object();
  for (const auto& [name, port] : services) map.set(name, static_cast<long long>(port));
  json::Value out = json::Value::object();
  out.set("services", std::move(map));
  return out;
}

class ServicesSigil final : public BuiltinSigil {
 public:
  std::string_view name() const override { return "services"; }
  const std::vector<std::string>& keys() const override {
    static const std::vector<std::string> k{"services"};
    return k;
  }

  json::Value fragmentFromSettings(const json::Value& settings) const override {
    const auto& s = reading::settingsObject(settings, "services", {"Services"});
    const json::Value& services = s.get("Services");
    if (services.isNull()) reading::throwSetting("Services", "required: an object of service names and ports, e.g. {\"http\": 80}");
    ServiceList list;
    reading::checkSetting(readServices(services, "Services", list));
    return servicesFragment(list);
  }

  std::optional<json::Value> parse(const json::Value& nodeInfo, std::string* why) const override {
    if (!nodeInfo.isObject()) return builtins::noMatch(why, reading::wrongType("NodeInfo", "an object", nodeInfo));
    const json::Value* services = nodeInfo.find("services");
    if (!services) return builtins::noMatch(why, "services: missing");
    ServiceList list;
    if (auto p = readServices(*services, "services", list); !p.empty()) return builtins::noMatch(why, p);
    return servicesFragment(list);
  }
};

}  // namespace

const BuiltinSigil& builtins::services() {
  static const ServicesSigil sigil;
  return sigil;
}

}  // namespace rtk::sigils
