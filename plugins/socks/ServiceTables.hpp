// The C tables of the two services the socks plugin provides:
// ratatoskr.resolver/1 over its Resolver and ratatoskr.socks/1 over its
// SocksServer (plus the resolver's counters in the snapshot). The tables
// point at objects the plugin owns for its whole life (load to unload).
// Thread-safety: the functions may be called from any thread.
#pragma once

#include "ratatoskr/json.hpp"
#include "ratatoskr/services/resolver.h"
#include "ratatoskr/services/socks.h"
#include "resolver/Resolver.hpp"
#include "server/SocksServer.hpp"

namespace rtk::plugins::socks {

rtk_resolver_service makeResolverTable(Resolver& resolver);

// What the snapshot shows and setMaxConnections changes; `running` tells
// whether the server was started.
struct SocksState {
  SocksServer& server;
  Resolver& resolver;
  std::atomic<bool> running{false};
};
rtk_socks_service makeSocksTable(SocksState& state);

// The snapshot as the service and the admin command give it.
json::Value socksSnapshot(const SocksState& state);
// Checks and applies a new MaxConnections (Errc::InvalidArgument outside 1 .. 65536).
void applyMaxConnections(SocksState& state, std::uint64_t max);

}  // namespace rtk::plugins::socks
