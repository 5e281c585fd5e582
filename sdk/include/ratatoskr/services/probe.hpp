// rtk::sdk::ProbeClient — the probe plugin's service "ratatoskr.probe/1"
// (services/probe.h) for C++ plugins: the results as rtk::json::Value in the
// layouts of plugins/probe/README.md.
//
//   auto probe = rtk::sdk::ProbeClient::fromHost(host);  // declare RTK_PROBE_SERVICE_ID as required or optional
//   auto crawl = probe->tree(3);                          // blocks until the crawl ends
//   for (const auto& n : crawl.get("nodes")) ...;
//
// Errors: rtk::Error with the provider's Errc and message. Every call blocks
// the calling thread (at most the plugin's MaxDurationMs). Header-only.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/json.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/probe.h"

namespace rtk::sdk {

class ProbeClient {
 public:
  explicit ProbeClient(const rtk_probe_service& table) : t_(&table) {
    if (table.struct_size < RTK_PROBE_SERVICE_SIZE_1_0) {
      throw Error(Errc::Abi, "probe service: table is " + std::to_string(table.struct_size) + " bytes, need at least " +
                                 std::to_string(RTK_PROBE_SERVICE_SIZE_1_0));
    }
  }
  static std::unique_ptr<ProbeClient> fromHost(const Host& host) {
    return std::make_unique<ProbeClient>(host.requireService<rtk_probe_service>(
        RTK_PROBE_SERVICE_ID, static_cast<std::uint32_t>(RTK_PROBE_SERVICE_SIZE_1_0)));
  }

  // maxNodes 0: the plugin's MaxTotalNodes.
  json::Value tree(int maxDepth, int concurrency = 16, std::size_t maxNodes = 0) const {
    auto args = json::Value::object();
    args.set("maxDepth", maxDepth);
    args.set("concurrency", concurrency);
    if (maxNodes) args.set("maxNodes", static_cast<std::uint64_t>(maxNodes));
    return call(t_->tree, args, "probe tree");
  }
  json::Value path(std::string_view key) const { return call(t_->path, keyArgs(key), "probe path"); }
  json::Value trace(std::string_view key) const { return call(t_->trace, keyArgs(key), "probe trace"); }

 private:
  using Call = rtk_status (*)(rtk_probe*, rtk_str, rtk_sink*, rtk_sink*);
  static json::Value keyArgs(std::string_view key) {
    auto args = json::Value::object();
    args.set("key", std::string(key));
    return args;
  }
  json::Value call(Call fn, const json::Value& args, const char* what) const {
    const std::string text = args.dump();
    StringSink json, err;
    check(fn(t_->probe, toStr(text), json.get(), err.get()), err, what);
    return json::Value::parse(json.take());
  }

  const rtk_probe_service* t_;
};

}  // namespace rtk::sdk
