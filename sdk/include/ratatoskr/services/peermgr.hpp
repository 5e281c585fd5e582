// rtk::sdk::PeermgrClient — the peer manager service (services/peermgr.h)
// from another plugin.
//
//   // info: .optionalServices = {RTK_PEERMGR_SERVICE_ID}
//   auto peermgr = rtk::sdk::PeermgrClient::fromHost(host);  // null when peermgr is not running
//   for (const auto& uri : peermgr->active()) ...;
//
// Errors: rtk::Error with the service's Errc and message. Thread-safety:
// every member from any thread. Header-only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/json.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/peermgr.h"

namespace rtk::sdk {

class PeermgrClient final {
 public:
  explicit PeermgrClient(const rtk_peermgr_service& table) : t_(&table) {
    if (table.struct_size < RTK_PEERMGR_SERVICE_SIZE_1_0) {
      throw Error(Errc::Abi, "peermgr service: table is " + std::to_string(table.struct_size) +
                                 " bytes, need at least " + std::to_string(RTK_PEERMGR_SERVICE_SIZE_1_0));
    }
  }

  // Null when no provider runs (for an optional service).
  static std::unique_ptr<PeermgrClient> fromHost(const Host& host) {
    const auto* table = static_cast<const rtk_peermgr_service*>(
        host.findService(RTK_PEERMGR_SERVICE_ID, static_cast<std::uint32_t>(RTK_PEERMGR_SERVICE_SIZE_1_0)));
    return table ? std::make_unique<PeermgrClient>(*table) : nullptr;
  }

  std::vector<std::string> active() const {
    StringSink json, err;
    check(t_->active(t_->peermgr, json.get(), err.get()), err, "peermgr active");
    std::vector<std::string> out;
    const auto list = json::Value::parse(json.str());
    for (std::size_t i = 0; i < list.size(); ++i) out.push_back(list.at(i).asString());
    return out;
  }
  void optimize() {
    StringSink err;
    check(t_->optimize(t_->peermgr, err.get()), err, "peermgr optimize");
  }
  json::Value snapshot() const {
    StringSink json, err;
    check(t_->snapshot(t_->peermgr, json.get(), err.get()), err, "peermgr snapshot");
    return json::Value::parse(json.str());
  }

 private:
  const rtk_peermgr_service* t_;
};

}  // namespace rtk::sdk
