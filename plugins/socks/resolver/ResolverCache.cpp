#include "resolver/ResolverCache.hpp"

namespace rtk::plugins::socks {

std::optional<CachedAnswer> ResolverCache::get(const std::string& name, TimePoint now) {
  auto it = entries_.find(name);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.expires <= now) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void ResolverCache::put(const std::string& name, CachedAnswer answer, TimePoint now) {
  if (maxEntries_ == 0 || answer.expires <= now) return;
  if (entries_.find(name) == entries_.end() && entries_.size() >= maxEntries_) makeRoom(now);
  entries_[name] = std::move(answer);
}

void ResolverCache::makeRoom(TimePoint now) {
  std::erase_if(entries_, [now](const auto& e) { return e.second.expires <= now; });
  if (entries_.size() < maxEntries_) return;
  auto soonest = entries_.begin();
  for (auto it = entries_.begin(); it != entries_.end(); ++it)
    if (it->second.expires < soonest->second.expires) soonest = it;
  entries_.erase(soonest);
}

}  // namespace rtk::plugins::socks
