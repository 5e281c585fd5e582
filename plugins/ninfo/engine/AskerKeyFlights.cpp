// Asker: key flights — one NodeInfo call at a time per key, retries, the
// answer read once for every caller (see Asker.hpp).
#include "Asker.hpp"

#include <algorithm>

#include "AskErrors.hpp"

namespace rtk::ninfo {

namespace {

// A call's timeout in whole milliseconds, at least 1.
std::chrono::milliseconds callMillis(std::chrono::steady_clock::duration d) {
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(d);
  return std::max(ms, std::chrono::milliseconds(1));
}

}  // namespace

void Asker::joinKey(std::uint64_t id, const PublicKey& key) {
  auto w = waiters_.find(id);
  if (w == waiters_.end()) return;
  w->second.key = key;
  auto it = keyFlights_.find(key);
  if (it != keyFlights_.end()) {
    if (it->second.abandoned) {
      w->second.stage = Stage::Queued;
      it->second.queued.insert(id);
    } else {
      w->second.stage = Stage::Key;
      it->second.waiters.insert(id);
    }
    return;
  }
  if (keyFlights_.size() >= kMaxKeyFlights) {
    counters_.busy.fetch_add(1);
    fail(id, errors::busy(kMaxKeyFlights, "keys"));
    return;
  }
  w->second.stage = Stage::Key;
  startKeyFlight(key, {id});
}

void Asker::startKeyFlight(const PublicKey& key, std::set<std::uint64_t> waiters) {
  KeyFlight flight;
  flight.waiters = std::move(waiters);
  for (auto id : flight.waiters)
    if (auto w = waiters_.find(id); w != waiters_.end()) w->second.stage = Stage::Key;
  flight.generation = ++generations_;
  flight.started = Clock::now();
  if (timing_.maxAskTime) flight.deadline = flight.started + *timing_.maxAskTime;
  keyFlights_[key] = std::move(flight);
  counters_.keyFlights.fetch_add(1);
  counters_.keyFlightsNow.store(keyFlights_.size());
  log_.debug("asking ", key.hex(), " for its NodeInfo");
  attempt(key);
}

void Asker::attempt(const PublicKey& key) {
  auto it = keyFlights_.find(key);
  if (it == keyFlights_.end()) return;
  KeyFlight& flight = it->second;
  flight.retryTimer = 0;
  std::chrono::milliseconds timeout = kCallTimeout;
  if (flight.deadline) timeout = std::min(timeout, callMillis(*flight.deadline - Clock::now()));
  flight.calling = true;
  ++flight.attempts;
  counters_.nodeInfoCalls.fetch_add(1);
  const std::uint64_t generation = flight.generation;
  auto gate = gate_;
  auto onDone = [this, gate, key, generation](Outcome<RemoteReply> reply) {
    std::lock_guard lock(gate->mutex);
    if (!gate->loop) return;
    gate->loop->post([this, key, generation, reply = std::move(reply)]() mutable {
      onReply(key, generation, std::move(reply));
    });
  };
  try {
    upstream_.queryNodeInfo(key, timeout, onDone);
  } catch (const Error& e) {
    Outcome<RemoteReply> failed;
    failed.error = e;
    loop_.post([this, key, generation, failed]() mutable { onReply(key, generation, std::move(failed)); });
  }
}

void Asker::onReply(const PublicKey& key, std::uint64_t generation, Outcome<RemoteReply> reply) {
  auto it = keyFlights_.find(key);
  if (it == keyFlights_.end() || it->second.generation != generation) return;
  KeyFlight& flight = it->second;
  flight.calling = false;
  if (flight.abandoned) {
    retireAbandoned(key);
    return;
  }
  const auto now = Clock::now();
  if (reply.ok()) {
    std::optional<Error> unreadable;
    ParsedNodeInfo parsed;
    try {
      parsed = reader_.read(reply.value.json, key);
    } catch (const Error& e) {
      unreadable = e;
    }
    const int attempts = flight.attempts;
    std::set<std::uint64_t> ids = std::move(flight.waiters);
    keyFlights_.erase(it);
    counters_.keyFlightsNow.store(keyFlights_.size());
    if (unreadable) {
      log_.debug(unreadable->what());
      deliver(ids, [&](const Waiter&) { return Outcome<AskResult>{*unreadable, {}}; });
      return;
    }
    log_.debug("NodeInfo from ", key.hex(), " after ", attempts, " attempt(s), rtt ",
               std::chrono::duration_cast<std::chrono::microseconds>(reply.value.rtt).count(), " us");
    const auto rtt = reply.value.rtt;
    deliver(ids, [&](const Waiter& w) {
      Outcome<AskResult> out;
      out.value.target = w.target;
      out.value.key = key;
      out.value.rtt = rtt;
      out.value.version = parsed.version;
      out.value.software = parsed.software;
      out.value.sigils = parsed.sigils;
      out.value.extra = parsed.extra;
      return out;
    });
    return;
  }

  const Error& error = *reply.error;
  const bool retryable = error.code() != Errc::Closed && timing_.askRetryPause &&
                         (!flight.deadline || now + *timing_.askRetryPause < *flight.deadline);
  if (retryable) {
    log_.debug("no NodeInfo from ", key.hex(), " yet (attempt ", flight.attempts, "): ", error.what());
    flight.retryTimer = loop_.postAfter(*timing_.askRetryPause, [this, key] { attempt(key); });
    return;
  }
  Error final = error.code() == Errc::Timeout
                    ? errors::timedOut(key, flight.attempts, now - flight.started, error.what())
                    : Error(error.code(), "ninfo: asking " + key.hex() + " for NodeInfo: " + error.what());
  std::set<std::uint64_t> ids = std::move(flight.waiters);
  keyFlights_.erase(it);
  counters_.keyFlightsNow.store(keyFlights_.size());
  log_.debug(final.what());
  deliver(ids, [&](const Waiter&) { return Outcome<AskResult>{final, {}}; });
}

void Asker::retireAbandoned(const PublicKey& key) {
  auto it = keyFlights_.find(key);
  std::set<std::uint64_t> queued = std::move(it->second.queued);
  keyFlights_.erase(it);
  counters_.keyFlightsNow.store(keyFlights_.size());
  for (auto q = queued.begin(); q != queued.end();) q = waiters_.count(*q) ? std::next(q) : queued.erase(q);
  if (!queued.empty()) startKeyFlight(key, std::move(queued));
}

}  // namespace rtk::ninfo
