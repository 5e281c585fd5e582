// rtk::sdk::ResolverClient — the resolver service (services/resolver.h),
// provided by the socks plugin, as a C++ call.
//
//   // info: .optionalServices = {RTK_RESOLVER_SERVICE_ID}
//   auto resolver = rtk::sdk::ResolverClient::find(host);   // nullptr without a provider
//   if (resolver) address = resolver->resolve("<64 hex>.pk.ygg");
//
// Failures surface as rtk::Error with the provider's Errc and message.
// Thread-safety: any thread (the client holds no mutable state). Header-only.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/network.hpp"
#include "ratatoskr/services/resolver.h"

namespace rtk::sdk {

class ResolverClient final {
 public:
  explicit ResolverClient(const rtk_resolver_service& table) : t_(&table) {
    if (table.struct_size < RTK_RESOLVER_SERVICE_SIZE_1_0) {
      throw Error(Errc::Abi, "resolver service: table is " + std::to_string(table.struct_size) +
                                 " bytes, need at least " + std::to_string(RTK_RESOLVER_SERVICE_SIZE_1_0));
    }
  }
  // The provider the host offers (declared as required); Errc::NotFound without.
  static std::unique_ptr<ResolverClient> fromHost(const Host& host) {
    return std::make_unique<ResolverClient>(host.requireService<rtk_resolver_service>(
        RTK_RESOLVER_SERVICE_ID, static_cast<std::uint32_t>(RTK_RESOLVER_SERVICE_SIZE_1_0)));
  }
  // The same for an optional service: nullptr when no plugin provides it.
  static std::unique_ptr<ResolverClient> find(const Host& host) {
    auto* table = static_cast<const rtk_resolver_service*>(
        host.findService(RTK_RESOLVER_SERVICE_ID, static_cast<std::uint32_t>(RTK_RESOLVER_SERVICE_SIZE_1_0)));
    return table ? std::make_unique<ResolverClient>(*table) : nullptr;
  }

  Ip6Address resolve(std::string_view name, Deadline deadline = std::nullopt) const {
    Ip6Address out;
    StringSink err;
    check(t_->resolve(t_->resolver, toStr(name), toRtkDeadline(deadline), out.bytes.data(), err.get()), err, "resolve");
    return out;
  }

 private:
  const rtk_resolver_service* t_;
};

}  // namespace rtk::sdk
