#include "Asker.hpp"

#include <algorithm>
#include <vector>

#include "AskErrors.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::ninfo {

namespace {

constexpr std::chrono::milliseconds kMaxPollPause{1000};

std::chrono::milliseconds ceilMillis(std::chrono::steady_clock::duration d) {
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(d);
  return std::max(ms, std::chrono::milliseconds(1));
}

}  // namespace

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
  if (flight.deadline) timeout = std::min(timeout, ceilMillis(*flight.deadline - Clock::now()));
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

void Asker::joinAddress(std::uint64_t id, const AskTarget& target) {
  auto w = waiters_.find(id);
  if (w == waiters_.end()) return;
  w->second.stage = Stage::Address;
  w->second.address = target.address;
  auto it = addressFlights_.find(target.address);
  if (it != addressFlights_.end()) {
    it->second.waiters.insert(id);
    return;
  }
  if (addressFlights_.size() >= kMaxAddressFlights) {
    counters_.busy.fetch_add(1);
    fail(id, errors::busy(kMaxAddressFlights, "addresses being resolved"));
    return;
  }
  AddressFlight flight;
  flight.target = target;
  flight.partial = target.kind == AskTarget::Kind::Subnet ? address::partialKeyForSubnet(target.address)
                                                          : address::partialKeyForAddress(target.address);
  flight.waiters.insert(id);
  flight.started = Clock::now();
  if (timing_.maxLookupTime) flight.deadline = flight.started + *timing_.maxLookupTime;
  flight.delay = timing_.lookupInterval;
  addressFlights_.emplace(target.address, std::move(flight));
  counters_.addressFlights.fetch_add(1);
  counters_.addressFlightsNow.store(addressFlights_.size());
  resolveOnce(target.address);
}

bool Asker::matches(const AddressFlight& flight, const PublicKey& key) const {
  if (flight.target.kind == AskTarget::Kind::Subnet) return address::subnetForKey(key) == flight.target.address;
  return address::addressForKey(key) == flight.target.address;
}

void Asker::resolveOnce(const Ip6Address& flightKey) {
  auto it = addressFlights_.find(flightKey);
  for (const auto& key : upstream_.knownKeys()) {
    if (matches(it->second, key)) {
      resolved(flightKey, key);
      return;
    }
  }
  AddressFlight& flight = it->second;
  upstream_.sendLookup(flight.partial.key);
  ++flight.lookups;
  counters_.lookups.fetch_add(1);
  auto next = Clock::now() + flight.delay;
  if (flight.deadline) next = std::min(next, *flight.deadline);
  flight.pollTimer = loop_.postAfter(next - Clock::now(), [this, flightKey] { poll(flightKey); });
}

void Asker::poll(const Ip6Address& flightKey) {
  auto it = addressFlights_.find(flightKey);
  if (it == addressFlights_.end()) return;
  AddressFlight& flight = it->second;
  flight.pollTimer = 0;
  for (const auto& key : upstream_.pathKeys()) {
    if (matches(flight, key)) {
      resolved(flightKey, key);
      return;
    }
  }
  const auto now = Clock::now();
  if (flight.deadline && now >= *flight.deadline) {
    Error error = errors::unresolvable(describeAddress(flight.target), now - flight.started, flight.lookups);
    std::set<std::uint64_t> ids = std::move(flight.waiters);
    addressFlights_.erase(it);
    counters_.addressFlightsNow.store(addressFlights_.size());
    log_.debug(error.what());
    deliver(ids, [&](const Waiter&) { return Outcome<AskResult>{error, {}}; });
    return;
  }
  upstream_.sendLookup(flight.partial.key);
  ++flight.lookups;
  counters_.lookups.fetch_add(1);
  flight.delay = std::min<Clock::duration>(flight.delay * 2, std::max<Clock::duration>(kMaxPollPause, timing_.lookupInterval));
  auto next = now + flight.delay;
  if (flight.deadline) next = std::min(next, *flight.deadline);
  flight.pollTimer = loop_.postAfter(next - now, [this, flightKey] { poll(flightKey); });
}

void Asker::resolved(const Ip6Address& flightKey, const PublicKey& key) {
  auto it = addressFlights_.find(flightKey);
  AddressFlight& flight = it->second;
  if (flight.pollTimer) loop_.cancel(flight.pollTimer);
  log_.debug("resolved ", describeAddress(flight.target), " to ", key.hex(), " after ", flight.lookups, " lookup(s)");
  std::set<std::uint64_t> ids = std::move(flight.waiters);
  addressFlights_.erase(it);
  counters_.addressFlightsNow.store(addressFlights_.size());
  for (auto id : ids) joinKey(id, key);
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
