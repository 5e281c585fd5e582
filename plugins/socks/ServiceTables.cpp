#include "ServiceTables.hpp"

#include "ratatoskr/abi.hpp"
#include "ratatoskr/services/network.hpp"

namespace rtk::plugins::socks {

namespace {

struct ResolverCalls {
  static rtk_status resolve(rtk_resolver* r, rtk_str name, rtk_deadline deadline, std::uint8_t out[16], rtk_sink* error) noexcept {
    return sdk::guard(error, [&] {
      Ip6Address a = reinterpret_cast<Resolver*>(r)->resolve(sdk::fromStr(name), sdk::fromRtkDeadline(deadline));
      std::copy(a.bytes.begin(), a.bytes.end(), out);
    });
  }
};

struct SocksCalls {
  static SocksState& of(rtk_socks* s) noexcept { return *reinterpret_cast<SocksState*>(s); }
  static rtk_status snapshot(rtk_socks* s, rtk_sink* json, rtk_sink* error) noexcept {
    return sdk::guard(error, [&] { sdk::writeSink(json, socksSnapshot(of(s)).dump()); });
  }
  static rtk_status setMaxConnections(rtk_socks* s, std::uint64_t max, rtk_sink* error) noexcept {
    return sdk::guard(error, [&] { applyMaxConnections(of(s), max); });
  }
};

}  // namespace

rtk_resolver_service makeResolverTable(Resolver& resolver) {
  rtk_resolver_service t{};
  t.struct_size = sizeof t;
  t.resolver = reinterpret_cast<rtk_resolver*>(&resolver);
  t.resolve = &ResolverCalls::resolve;
  return t;
}

rtk_socks_service makeSocksTable(SocksState& state) {
  rtk_socks_service t{};
  t.struct_size = sizeof t;
  t.socks = reinterpret_cast<rtk_socks*>(&state);
  t.snapshot = &SocksCalls::snapshot;
  t.set_max_connections = &SocksCalls::setMaxConnections;
  return t;
}

json::Value socksSnapshot(const SocksState& state) {
  json::Value v = state.server.snapshot();
  v.set("running", state.running.load());
  const Resolver::Stats r = state.resolver.stats();
  json::Value resolver = json::Value::object();
  const auto& ns = state.resolver.settings().nameserver;
  resolver.set("nameserver", ns ? formatEndpoint(*ns) : std::string());
  resolver.set("lookups", r.lookups);
  resolver.set("cache_hits", r.cacheHits);
  resolver.set("coalesced", r.coalesced);
  resolver.set("cache_entries", static_cast<std::uint64_t>(r.cacheEntries));
  resolver.set("in_flight", static_cast<std::uint64_t>(r.inFlight));
  v.set("resolver", std::move(resolver));
  return v;
}

void applyMaxConnections(SocksState& state, std::uint64_t max) {
  if (max < 1 || max > 65536)
    throw Error(Errc::InvalidArgument, "socks: MaxConnections " + std::to_string(max) + " is outside 1 .. 65536");
  state.server.setMaxConnections(static_cast<std::size_t>(max));
}

}  // namespace rtk::plugins::socks
