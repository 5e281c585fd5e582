// rtk::sdk::SocksClient — the SOCKS proxy's service (services/socks.h),
// provided by the socks plugin.
//
//   auto socks = rtk::sdk::SocksClient::find(host);   // nullptr without a provider
//   if (socks) log.info(socks->snapshot().dump());
//
// Failures surface as rtk::Error. Thread-safety: any thread. Header-only.
#pragma once

#include <memory>
#include <string>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/json.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/socks.h"

namespace rtk::sdk {

class SocksClient final {
 public:
  explicit SocksClient(const rtk_socks_service& table) : t_(&table) {
    if (table.struct_size < RTK_SOCKS_SERVICE_SIZE_1_0) {
      throw Error(Errc::Abi, "socks service: table is " + std::to_string(table.struct_size) +
                                 " bytes, need at least " + std::to_string(RTK_SOCKS_SERVICE_SIZE_1_0));
    }
  }
  static std::unique_ptr<SocksClient> find(const Host& host) {
    auto* table = static_cast<const rtk_socks_service*>(
        host.findService(RTK_SOCKS_SERVICE_ID, static_cast<std::uint32_t>(RTK_SOCKS_SERVICE_SIZE_1_0)));
    return table ? std::make_unique<SocksClient>(*table) : nullptr;
  }

  json::Value snapshot() const {
    StringSink out, err;
    check(t_->snapshot(t_->socks, out.get(), err.get()), err, "socks snapshot");
    return json::Value::parse(out.str());
  }
  void setMaxConnections(std::uint64_t max) const {
    StringSink err;
    check(t_->set_max_connections(t_->socks, max, err.get()), err, "socks setMaxConnections");
  }

 private:
  const rtk_socks_service* t_;
};

}  // namespace rtk::sdk
