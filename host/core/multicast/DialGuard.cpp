#include "core/multicast/DialGuard.hpp"

namespace rtk::core::multicast {

DialGuard::Verdict DialGuard::check(const PublicKey& key, const std::vector<PeerInfo>& peers) {
  for (auto it = inFlight_.begin(); it != inFlight_.end();) {
    bool pending = false;
    for (const auto& p : peers)
      if (p.uri == it->second && !p.up) pending = true;
    it = pending ? std::next(it) : inFlight_.erase(it);
  }
  for (const auto& p : peers)
    if (p.up && p.key == key) return Verdict::Connected;
  if (inFlight_.count(key)) return Verdict::Dialling;
  if (inFlight_.size() >= maxInFlight_) return Verdict::Busy;
  return Verdict::Dial;
}

const char* verdictName(DialGuard::Verdict v) {
  switch (v) {
    case DialGuard::Verdict::Dial: return "dial";
    case DialGuard::Verdict::Connected: return "already connected";
    case DialGuard::Verdict::Dialling: return "already dialling";
    case DialGuard::Verdict::Busy: return "too many dials in progress";
  }
  return "?";
}

}  // namespace rtk::core::multicast
