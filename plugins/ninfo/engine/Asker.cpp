#include "Asker.hpp"

#include <algorithm>
#include <vector>

#include "AskErrors.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::ninfo {

Asker::Asker(Upstream& upstream, const SigilCatalog& catalog, const AskOptions& options, Log log)
    : upstream_(upstream), reader_(catalog), timing_(AskTiming::from(options)), log_(std::move(log)) {
  gate_->loop = &loop_;
}

Asker::~Asker() { close(); }

std::uint64_t Asker::ask(std::string_view target, std::chrono::milliseconds timeout, Callback done) {
  AskTarget parsed = parseTarget(target);
  std::lock_guard lock(lifecycle_);
  if (closed_) throw errors::closed();
  const std::uint64_t id = nextId_.fetch_add(1);
  Waiter waiter;
  waiter.target = parsed.text;
  waiter.done = std::move(done);
  waiter.timeout = std::max(timeout, std::chrono::milliseconds(0));
  counters_.asks.fetch_add(1);
  loop_.post([this, id, parsed = std::move(parsed), waiter = std::move(waiter)]() mutable {
    admit(id, std::move(parsed), std::move(waiter));
  });
  return id;
}

void Asker::cancel(std::uint64_t id) {
  try {
    loop_.call([this, id] { detach(id); });
  } catch (const Error&) {
    // The loop has stopped: every callback has run already.
  }
}

void Asker::close() {
  {
    std::lock_guard lock(lifecycle_);
    if (!closed_) {
      closed_ = true;
      loop_.post([this] { shutdown(); });
    }
  }
  {
    std::lock_guard lock(gate_->mutex);
    gate_->loop = nullptr;
  }
  loop_.stop();
}

Asker::Counters Asker::counters() const {
  Counters c;
  c.asks = counters_.asks.load();
  c.keyFlights = counters_.keyFlights.load();
  c.addressFlights = counters_.addressFlights.load();
  c.nodeInfoCalls = counters_.nodeInfoCalls.load();
  c.lookups = counters_.lookups.load();
  c.busy = counters_.busy.load();
  c.keyFlightsNow = counters_.keyFlightsNow.load();
  c.addressFlightsNow = counters_.addressFlightsNow.load();
  return c;
}

// ---- on the loop thread ------------------------------------------------------

void Asker::admit(std::uint64_t id, AskTarget target, Waiter waiter) {
  if (waiter.timeout.count() > 0) {
    waiter.timer = loop_.postAfter(waiter.timeout, [this, id] { onCallerTimeout(id); });
  }
  waiters_.emplace(id, std::move(waiter));
  if (target.kind == AskTarget::Kind::Key) {
    joinKey(id, target.key);
  } else {
    joinAddress(id, target);
  }
}

void Asker::detach(std::uint64_t id) {
  auto w = waiters_.find(id);
  if (w == waiters_.end()) return;
  Waiter waiter = std::move(w->second);
  waiters_.erase(w);
  if (waiter.timer) loop_.cancel(waiter.timer);
  if (waiter.stage == Stage::Address) {
    auto it = addressFlights_.find(waiter.address);
    if (it == addressFlights_.end()) return;
    it->second.waiters.erase(id);
    if (it->second.waiters.empty()) {
      if (it->second.pollTimer) loop_.cancel(it->second.pollTimer);
      addressFlights_.erase(it);
      counters_.addressFlightsNow.store(addressFlights_.size());
    }
    return;
  }
  auto it = keyFlights_.find(waiter.key);
  if (it == keyFlights_.end()) return;
  KeyFlight& flight = it->second;
  if (waiter.stage == Stage::Queued) {
    flight.queued.erase(id);
    return;
  }
  flight.waiters.erase(id);
  if (!flight.waiters.empty()) return;
  if (flight.calling) {
    flight.abandoned = true;  // counts until its call returns (onReply retires it)
    return;
  }
  if (flight.retryTimer) loop_.cancel(flight.retryTimer);
  keyFlights_.erase(it);
  counters_.keyFlightsNow.store(keyFlights_.size());
}

void Asker::onCallerTimeout(std::uint64_t id) {
  auto w = waiters_.find(id);
  if (w == waiters_.end()) return;
  w->second.timer = 0;
  Error error = errors::callerTimedOut(w->second.target, w->second.timeout);
  Callback done = std::move(w->second.done);
  detach(id);
  try {
    done(Outcome<AskResult>{error, {}});
  } catch (const std::exception& e) {
    log_.error("an ask's callback threw: ", e.what());
  }
}

void Asker::fail(std::uint64_t id, const Error& error) {
  deliver({id}, [&](const Waiter&) { return Outcome<AskResult>{error, {}}; });
}

void Asker::deliver(const std::set<std::uint64_t>& ids, const std::function<Outcome<AskResult>(const Waiter&)>& make) {
  for (auto id : ids) {
    auto w = waiters_.find(id);
    if (w == waiters_.end()) continue;  // cancelled by an earlier callback
    Waiter waiter = std::move(w->second);
    waiters_.erase(w);
    if (waiter.timer) loop_.cancel(waiter.timer);
    try {
      waiter.done(make(waiter));
    } catch (const std::exception& e) {
      log_.error("an ask's callback threw: ", e.what());
    }
  }
}

void Asker::shutdown() {
  for (auto& [key, flight] : keyFlights_)
    if (flight.retryTimer) loop_.cancel(flight.retryTimer);
  for (auto& [address, flight] : addressFlights_)
    if (flight.pollTimer) loop_.cancel(flight.pollTimer);
  keyFlights_.clear();
  addressFlights_.clear();
  counters_.keyFlightsNow.store(0);
  counters_.addressFlightsNow.store(0);
  std::set<std::uint64_t> ids;
  for (const auto& [id, w] : waiters_) ids.insert(id);
  const Error error = errors::closed();
  deliver(ids, [&](const Waiter&) { return Outcome<AskResult>{error, {}}; });
}

}  // namespace rtk::ninfo
