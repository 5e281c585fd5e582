// Resolver — names to Yggdrasil addresses, for the SOCKS proxy and (through
// the ratatoskr.resolver/1 service) every other plugin.
//
// In this order:
//   1. "<64 hex>.pk.ygg" (any case, one trailing dot): the key's 200::/8
//      address. Subdomains ("www.<key>.pk.ygg") and other lengths are
//      refused with Errc::InvalidArgument saying which.
//   2. IP literals ("200::1", "[200::1]", "1.2.3.4") are returned as they
//      are (IPv4 as ::ffff:a.b.c.d), whatever their range.
//   3. Any other name is asked of the Nameserver, over Yggdrasil: AAAA only,
//      UDP with TCP fallback (DnsClient). The first answer inside 200::/7
//      (node addresses and subnets) wins; answers only outside it are
//      refused (Errc::NotFound, naming one). No Nameserver: Errc::NotFound.
// Concurrent lookups of one name share one query; at most
// maxLookupsInFlight names are asked at once (Errc::Refused beyond that).
// Answers are cached for min(cacheTtl, record TTL); failures that are
// answers (NXDOMAIN, no AAAA, only non-Yggdrasil addresses) for
// min(cacheTtl, 3 s); timeouts are not cached.
// Errors carry the name: `resolver: "x.example": no AAAA record`.
// Thread-safety: every member from any thread. close() cancels lookups in
// flight (their callers get Errc::Closed) and refuses later ones.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "ratatoskr/cancel.hpp"
#include "ratatoskr/node_interface.hpp"
#include "resolver/DnsClient.hpp"
#include "resolver/ResolverCache.hpp"

namespace rtk::plugins::socks {

struct ResolverSettings {
  std::optional<Endpoint> nameserver;              // none: only .pk.ygg names and literals
  std::chrono::milliseconds lookupTimeout{10000};  // one DNS lookup, UDP and TCP together
  std::chrono::seconds cacheTtl{30};               // 0: no cache
  std::size_t cacheMaxEntries = 4096;              // 0: no cache
  std::size_t maxLookupsInFlight = 256;
};

// "[ipv6]:port", "[ipv6]" or a bare "ipv6" (port 53). Errc::InvalidArgument
// naming the text otherwise (IPv4 included: the nameserver is on Yggdrasil).
Endpoint parseNameserver(std::string_view text);

class Resolver {
 public:
  Resolver(NetworkInterface& network, ResolverSettings settings);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // One address for `name`, by the rules above; waits at most until
  // `deadline` (Errc::Timeout).
  Ip6Address resolve(std::string_view name, Deadline deadline = std::nullopt);
  void close();

  struct Stats {
    std::uint64_t lookups = 0;    // DNS questions asked
    std::uint64_t cacheHits = 0;
    std::uint64_t coalesced = 0;  // callers that joined a lookup in flight
    std::size_t cacheEntries = 0;
    std::size_t inFlight = 0;
  };
  Stats stats() const;
  const ResolverSettings& settings() const noexcept { return settings_; }

 private:
  struct Flight {
    bool done = false;
    CachedAnswer answer;  // `found` or the error
  };

  Ip6Address lookup(const std::string& name, Deadline deadline);
  CachedAnswer ask(const std::string& name, TimePoint deadline);

  NetworkInterface& network_;
  const ResolverSettings settings_;
  std::optional<DnsClient> dns_;
  CancelSource closing_;

  mutable std::mutex mutex_;
  std::condition_variable landed_;
  bool closed_ = false;
  ResolverCache cache_;
  std::map<std::string, std::shared_ptr<Flight>, std::less<>> flights_;
  Stats stats_;
};

}  // namespace rtk::plugins::socks
