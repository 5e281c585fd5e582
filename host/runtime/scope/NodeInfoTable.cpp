// The NodeInfo service table of one plugin scope (services/nodeinfo.h): the
// scope's plugin name is the owner of every key it publishes.
#include "ratatoskr/abi.hpp"
#include "runtime/NodeInfoComposer.hpp"
#include "runtime/scope/PluginScope.hpp"

namespace rtk::host {

using sdk::fromStr;
using sdk::guard;

namespace {

PluginScope& scopeOf(rtk_nodeinfo* n) noexcept { return *reinterpret_cast<PluginScope*>(n); }

struct NodeInfoCalls {
  static rtk_status get(rtk_nodeinfo* n, rtk_sink* json, rtk_sink* error) noexcept {
    return guard(error, [&] { sdk::writeSink(json, scopeOf(n).nodeInfo().current()); });
  }
  static rtk_status set(rtk_nodeinfo* n, rtk_str object, rtk_sink* error) noexcept {
    return guard(error, [&] { scopeOf(n).nodeInfo().set(scopeOf(n).pluginName(), fromStr(object)); });
  }
  static rtk_status patch(rtk_nodeinfo* n, rtk_str object, rtk_sink* error) noexcept {
    return guard(error, [&] { scopeOf(n).nodeInfo().patch(scopeOf(n).pluginName(), fromStr(object)); });
  }
};

}  // namespace

void fillNodeInfoTable(rtk_nodeinfo_service& t, PluginScope* scope) {
  t.struct_size = sizeof(rtk_nodeinfo_service);
  t.info = reinterpret_cast<rtk_nodeinfo*>(scope);
  t.get = &NodeInfoCalls::get;
  t.set = &NodeInfoCalls::set;
  t.patch = &NodeInfoCalls::patch;
}

}  // namespace rtk::host
