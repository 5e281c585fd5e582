// Asker: address flights — a key from peers, sessions and paths, else
// lookups and path polls until the deadline (see Asker.hpp).
#include "Asker.hpp"

#include <algorithm>

#include "AskErrors.hpp"

namespace rtk::ninfo {

namespace {
constexpr std::chrono::milliseconds kMaxPollPause{1000};
}  // namespace

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

}  // namespace rtk::ninfo
