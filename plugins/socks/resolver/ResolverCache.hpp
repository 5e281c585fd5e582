// ResolverCache — answers of recent DNS lookups, positive and negative, by
// lower-cased name, each until its expiry. Bounded: when full, expired
// entries go first, then the one closest to expiry.
// Thread-safety: none; the Resolver holds its lock around every call.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::plugins::socks {

struct CachedAnswer {
  bool found = false;
  Ip6Address address;               // found
  Errc code = Errc::NotFound;       // !found: the error to give again
  std::string error;                // !found: its message
  TimePoint expires;
};

class ResolverCache {
 public:
  explicit ResolverCache(std::size_t maxEntries) : maxEntries_(maxEntries) {}

  // The entry for `name` unless it expired (an expired one is dropped).
  std::optional<CachedAnswer> get(const std::string& name, TimePoint now);
  // No-op when maxEntries is 0.
  void put(const std::string& name, CachedAnswer answer, TimePoint now);
  std::size_t size() const noexcept { return entries_.size(); }
  void clear() { entries_.clear(); }

 private:
  void makeRoom(TimePoint now);

  std::size_t maxEntries_;
  std::unordered_map<std::string, CachedAnswer> entries_;
};

}  // namespace rtk::plugins::socks
