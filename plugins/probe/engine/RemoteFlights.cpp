#include "RemoteFlights.hpp"

#include <string>

#include "ProbeTypes.hpp"

namespace rtk::probe {

namespace {
Outcome<RemoteReply> failedFlight(Errc code, std::string message) {
  Outcome<RemoteReply> out;
  out.error = Error(code, std::move(message));
  return out;
}
}  // namespace

void RemoteFlights::call(RemoteQuery kind, const PublicKey& key, Done done) {
  const FlightKey id{static_cast<int>(kind), key};
  {
    std::lock_guard lock(mutex_);
    if (!closed_) {
      if (auto it = flights_.find(id); it != flights_.end()) {
        it->second.push_back(std::move(done));
        ++counters_.joined;
        return;
      }
      if (flights_.size() < kMaxFlights) {
        flights_[id].push_back(std::move(done));
        ++counters_.calls;
        done = nullptr;
      } else {
        ++counters_.busy;
      }
    }
  }
  if (done) {
    bool closed;
    {
      std::lock_guard lock(mutex_);
      closed = closed_;
    }
    done(closed ? failedFlight(Errc::Closed, "probe: closed")
                : failedFlight(Errc::Refused, "probe: busy: " + std::to_string(kMaxFlights) +
                                                  " remote calls in flight already (the limit); try again later"));
    return;
  }
  auto self = shared_from_this();
  try {
    upstream_.query(kind, key, timeout_, [self, id](Outcome<RemoteReply> reply) { self->finish(id, reply); });
  } catch (const Error& e) {
    finish(id, failedFlight(e.code(), e.what()));
  }
}

void RemoteFlights::finish(const FlightKey& id, const Outcome<RemoteReply>& reply) {
  std::vector<Done> waiters;
  {
    std::lock_guard lock(mutex_);
    auto it = flights_.find(id);
    if (it == flights_.end()) return;
    waiters = std::move(it->second);
    flights_.erase(it);
  }
  for (auto& w : waiters) w(reply);
}

void RemoteFlights::close() {
  std::map<FlightKey, std::vector<Done>> waiting;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    // The slots stay taken until the replies come: flights_ keeps the keys, without callers.
    for (auto& [id, callers] : flights_) waiting[id] = std::exchange(callers, {});
  }
  const auto closed = failedFlight(Errc::Closed, "probe: closed");
  for (auto& [id, callers] : waiting)
    for (auto& c : callers) c(closed);
}

RemoteFlights::Counters RemoteFlights::counters() const {
  std::lock_guard lock(mutex_);
  Counters c = counters_;
  c.inFlight = flights_.size();
  return c;
}

}  // namespace rtk::probe
