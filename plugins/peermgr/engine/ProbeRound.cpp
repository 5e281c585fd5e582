#include "ProbeRound.hpp"

#include <algorithm>

namespace rtk::peermgr {

ProbeRound::ProbeRound(PeerInterface& peers, std::size_t maxInFlight, std::chrono::milliseconds timeout)
    : peers_(peers), maxInFlight_(std::max<std::size_t>(1, maxInFlight)), timeout_(timeout) {}

std::vector<ProbeAnswer> ProbeRound::run(const std::vector<std::string>& uris) {
  auto shared = shared_;
  {
    std::lock_guard lock(shared->mutex);
    shared->answers.assign(uris.size(), ProbeAnswer{});
  }
  std::size_t next = 0;
  std::unique_lock lock(shared->mutex);
  while (shared->answeredCount < uris.size() && !shared->cancelled) {
    if (next < uris.size() && shared->inFlight < maxInFlight_) {
      const std::size_t i = next++;
      ++shared->inFlight;
      shared->peak = std::max(shared->peak, shared->inFlight);
      lock.unlock();
      auto finish = [shared, i](Outcome<PeerProbe> r) {
        std::lock_guard l(shared->mutex);
        ProbeAnswer& a = shared->answers[i];
        if (a.answered) return;
        a.answered = true;
        a.ok = r.ok();
        if (a.ok) a.rtt = std::max(r.value.rtt, std::chrono::nanoseconds(1));
        else a.error = r.error->what();
        --shared->inFlight;
        ++shared->answeredCount;
        shared->changed.notify_all();
      };
      try {
        peers_.probePeer(uris[i], timeout_, finish);
      } catch (const std::exception& e) {
        Outcome<PeerProbe> failed;
        failed.error = Error(Errc::Unknown, e.what());
        finish(std::move(failed));
      }
      lock.lock();
      continue;
    }
    shared->changed.wait(lock);
  }
  return shared->answers;
}

void ProbeRound::cancel() {
  std::lock_guard lock(shared_->mutex);
  shared_->cancelled = true;
  shared_->changed.notify_all();
}

std::size_t ProbeRound::peakInFlight() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->peak;
}

}  // namespace rtk::peermgr

