// RequestTable — the requests of one kind waiting for an answer, one entry
// per remote key (the pending-callback maps of yggdrasil core/proto.go and
// core/nodeinfo.go).
//
// Replies carry no request id, so at most one request per key is
// outstanding: asking again re-sends and restarts the entry's expiry, and a
// reply answers everybody waiting on that key. An entry lives `expiry` after
// its last request (1 minute in yggdrasil); a reply after that is ignored.
// Bounded: at most maxKeys entries (the least recently requested one is
// dropped for a new key) and maxWaitersPerKey callbacks per entry (the
// oldest is dropped). A dropped callback is never called.
//
// Thread-safety: none; owned by the proto thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "core/util/Bytes.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::proto {

class RequestTable {
 public:
  using Clock = std::chrono::steady_clock;
  using Callback = std::function<void(const Bytes& body)>;

  RequestTable(std::size_t maxKeys, std::size_t maxWaitersPerKey, Clock::duration expiry);

  // Adds a waiter for `key` and restarts the entry's expiry. Returns the
  // waiter's id (never 0) for removeWaiter().
  std::uint64_t add(const PublicKey& key, Callback callback, Clock::time_point now);
  // Forgets one waiter (its caller gave up). The entry stays until it expires
  // or is answered, as in yggdrasil.
  void removeWaiter(const PublicKey& key, std::uint64_t id);
  // A reply arrived: removes a live entry and returns its waiters, oldest
  // first. Empty when nothing was pending or the entry had expired.
  std::vector<Callback> complete(const PublicKey& key, Clock::time_point now);
  // Drops expired entries; returns how many were dropped.
  std::size_t expire(Clock::time_point now);
  bool pending(const PublicKey& key, Clock::time_point now) const;
  std::size_t size() const { return entries_.size(); }
  std::size_t waiters(const PublicKey& key) const;
  void clear() { entries_.clear(); }

 private:
  struct Entry {
    Clock::time_point requested;
    std::vector<std::pair<std::uint64_t, Callback>> waiters;
  };
  std::size_t maxKeys_, maxWaiters_;
  Clock::duration expiry_;
  std::uint64_t nextId_ = 1;
  std::unordered_map<PublicKey, Entry> entries_;
};

}  // namespace rtk::core::proto
