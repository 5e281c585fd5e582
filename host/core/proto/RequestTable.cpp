#include "core/proto/RequestTable.hpp"

#include <algorithm>

namespace rtk::core::proto {

RequestTable::RequestTable(std::size_t maxKeys, std::size_t maxWaitersPerKey, Clock::duration expiry)
    : maxKeys_(std::max<std::size_t>(maxKeys, 1)), maxWaiters_(std::max<std::size_t>(maxWaitersPerKey, 1)), expiry_(expiry) {}

std::uint64_t RequestTable::add(const PublicKey& key, Callback callback, Clock::time_point now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= maxKeys_) {
      expire(now);
      if (entries_.size() >= maxKeys_) {
        auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
          return a.second.requested < b.second.requested;
        });
        entries_.erase(oldest);
      }
    }
    it = entries_.emplace(key, Entry{}).first;
  }
  Entry& e = it->second;
  e.requested = now;
  if (e.waiters.size() >= maxWaiters_) e.waiters.erase(e.waiters.begin());
  std::uint64_t id = nextId_++;
  e.waiters.emplace_back(id, std::move(callback));
  return id;
}

void RequestTable::removeWaiter(const PublicKey& key, std::uint64_t id) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  auto& w = it->second.waiters;
  w.erase(std::remove_if(w.begin(), w.end(), [id](const auto& p) { return p.first == id; }), w.end());
}

std::vector<RequestTable::Callback> RequestTable::complete(const PublicKey& key, Clock::time_point now) {
  std::vector<Callback> out;
  auto it = entries_.find(key);
  if (it == entries_.end()) return out;
  bool live = now - it->second.requested < expiry_;
  if (live) {
    out.reserve(it->second.waiters.size());
    for (auto& [id, cb] : it->second.waiters) out.push_back(std::move(cb));
  }
  entries_.erase(it);
  return out;
}

std::size_t RequestTable::expire(Clock::time_point now) {
  std::size_t n = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (now - it->second.requested >= expiry_) {
      it = entries_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

bool RequestTable::pending(const PublicKey& key, Clock::time_point now) const {
  auto it = entries_.find(key);
  return it != entries_.end() && now - it->second.requested < expiry_;
}

std::size_t RequestTable::waiters(const PublicKey& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? 0 : it->second.waiters.size();
}

}  // namespace rtk::core::proto
