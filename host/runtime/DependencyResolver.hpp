// rtk::host::DependencyResolver — start order from declared requirements.
//
// Input: the enabled plugins with the service ids each provides and
// requires, the services the host itself provides (the core's
// "ratatoskr.node/1"), and, for better messages, which service ids plugins
// that are present but not enabled would provide.
//
// Output: an order in which every plugin comes after every provider of each
// service it requires or optionally uses (stop in reverse), and the plugins
// that cannot run,
// each with a one-sentence reason naming the plugins involved:
//   - a required service nobody provides:
//       "web" requires "ratatoskr.socks/1", which no enabled plugin provides
//       (plugin "socks" provides it but is not enabled)
//   - a cycle, with its path:
//       dependency cycle: a -[svc.b/1]-> b -[svc.a/1]-> a
//   - a dependent of a refused plugin:
//       "web" requires "ratatoskr.socks/1", whose provider "socks" was refused
// Refusals are decided before any plugin code runs; the other plugins keep
// their order. Ties keep the input order, so results are deterministic.
//
// A plugin that requires a service it provides itself has that requirement
// satisfied by itself (no edge). Pure computation; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>


namespace rtk::host {

struct DependencyNode {
  std::string name;
  std::vector<std::string> provides;
  std::vector<std::string> requires_;
  // Used when some enabled plugin provides it: ordered after that provider,
  // never refused for its absence. An optional edge that would close a
  // cycle is dropped (the plugins start, in input order).
  std::vector<std::string> optional;
  // Already refused by the caller (e.g. bad settings): never started, and
  // its dependents are refused naming it; not repeated in `refused`.
  bool refused = false;
};

struct DependencyResolution {
  std::vector<std::string> order;               // start order of the runnable plugins
  std::map<std::string, std::string> refused;   // plugin name → reason
};

class DependencyResolver {
 public:
  // hostServices: service id → provider name ("core"), always available.
  // dormantProviders: service id → plugins that provide it but are not enabled.
  static DependencyResolution resolve(const std::vector<DependencyNode>& nodes,
                                      const std::map<std::string, std::string>& hostServices,
                                      const std::map<std::string, std::vector<std::string>>& dormantProviders = {});
};

}  // namespace rtk::host
