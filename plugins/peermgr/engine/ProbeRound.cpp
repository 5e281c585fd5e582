#include "ProbeRound.hpp"

#include <algorithm>

namespace rtk::peermgr {

ProbeRound::ProbeRound(PeerInterface& peers, std::size_t maxInFlight, std::chrono::milliseconds timeout,
                       std::size_t samples)
    : peers_(peers),
      maxInFlight_(std::max<std::size_t>(1, maxInFlight)),
      timeout_(timeout),
      samples_(std::max<std::size_t>(1, samples)) {}

namespace {

// One probe's answer: keeps the best round trip and asks again while
// samples remain and answers succeed; the slot is freed at the end.
struct SampleDone {
  std::shared_ptr<ProbeRound::Shared> shared;
  PeerInterface* peers;
  std::string uri;
  std::chrono::milliseconds timeout;
  std::size_t index;
  std::size_t left;  // samples still to take after this one

  void operator()(Outcome<PeerProbe> r) {
    {
      std::lock_guard l(shared->mutex);
      ProbeAnswer& a = shared->answers[index];
      if (a.answered) return;
      if (r.ok()) {
        const auto rtt = std::max(r.value.rtt, std::chrono::nanoseconds(1));
        a.rtt = a.ok ? std::min(a.rtt, rtt) : rtt;
        a.ok = true;
      } else if (!a.ok) {
        a.error = r.error->what();
      }
      if (!r.ok() || left == 0 || shared->cancelled) {
        a.answered = true;
        --shared->inFlight;
        ++shared->answeredCount;
        shared->changed.notify_all();
        return;
      }
    }
    SampleDone next = *this;
    --next.left;
    start(std::move(next));
  }

  static void start(SampleDone done) {
    PeerInterface* peers = done.peers;
    const std::string uri = done.uri;
    const auto timeout = done.timeout;
    try {
      peers->probePeer(uri, timeout, done);
    } catch (const std::exception& e) {
      Outcome<PeerProbe> failed;
      failed.error = Error(Errc::Unknown, e.what());
      done.left = 0;
      done(std::move(failed));
    }
  }
};

}  // namespace

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
      SampleDone::start(SampleDone{shared, &peers_, uris[i], timeout_, i, samples_ - 1});
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

