// DialGuard — whether a valid beacon is dialled back, so that beacons
// repeated every few seconds, or a LAN full of forged ones, never stack links
// or threads: no dial to a key that has a link up (either direction) or a
// dial of ours still in progress, and at most `maxInFlight` dials in
// progress at once (each is a link thread until it is up or fails).
// A dial counts as in progress while its link entry (the URI's identity)
// is listed by getPeers and not up; ephemeral entries disappear when the
// attempt fails, so the guard learns that from the next snapshot.
// Thread-safety: one thread (the multicast thread).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "ratatoskr/node_interface.hpp"

namespace rtk::core::multicast {

class DialGuard {
 public:
  enum class Verdict { Dial, Connected, Dialling, Busy };

  explicit DialGuard(std::size_t maxInFlight) : maxInFlight_(maxInFlight) {}

  // `peers`: LinkManager::getPeers() taken just now.
  Verdict check(const PublicKey& key, const std::vector<PeerInfo>& peers);
  // A dial to `key` started; `identity` is its URI without the query.
  void started(const PublicKey& key, std::string identity) { inFlight_[key] = std::move(identity); }
  std::size_t inFlight() const { return inFlight_.size(); }

 private:
  std::size_t maxInFlight_;
  std::map<PublicKey, std::string> inFlight_;
};

const char* verdictName(DialGuard::Verdict v);

}  // namespace rtk::core::multicast
