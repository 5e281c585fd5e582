#include "PeerManager.hpp"

#include <algorithm>
#include <map>

#include "Selection.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::peermgr {

namespace {

std::int64_t msOf(std::chrono::nanoseconds d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

double msExact(std::chrono::nanoseconds d) { return static_cast<double>(d.count()) / 1e6; }

}  // namespace

PeerManager::PeerManager(PeerInterface& peers, std::vector<Candidate> candidates, ManagerOptions options, Log log)
    : peers_(peers),
      candidates_(std::move(candidates)),
      options_(options),
      log_(std::move(log)),
      states_(candidates_.size()),
      lastCycle_(json::Value::object()) {}

PeerManager::~PeerManager() { stop(); }

void PeerManager::start() {
  std::lock_guard lock(mutex_);
  if (started_) return;
  started_ = true;
  thread_.start("rtk-peermgr", [this] { run(); });
}

void PeerManager::stop() {
  std::shared_ptr<ProbeRound> round;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    round = round_;
  }
  if (round) round->cancel();
  wake_.notify_all();
  optimized_.notify_all();
  thread_.join();
  removeAllManaged();
}

std::vector<std::string> PeerManager::active() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < states_.size(); ++i)
    if (states_[i].managed) out.push_back(candidates_[i].uri.uri);
  return out;
}

void PeerManager::optimize() {
  std::unique_lock lock(mutex_);
  if (stopping_ || !started_) throw Error(Errc::Closed, "peermgr: not running");
  const std::uint64_t ticket = ++optimizeWanted_;
  wake_.notify_all();
  optimized_.wait(lock, [&] { return stopping_ || optimizeDone_ >= ticket; });
  if (optimizeDone_ < ticket) throw Error(Errc::Closed, "peermgr: stopped before the cycle ran");
}

bool PeerManager::comingUp(const State& s, Clock::time_point now) const {
  return !s.seenUp && now - s.addedAt < options_.probeTimeout;
}

const char* PeerManager::kindName(CycleKind kind) {
  switch (kind) {
    case CycleKind::Normal: return "normal";
    case CycleKind::Outage: return "outage";
    case CycleKind::Refill: return "refill";
  }
  return "?";
}

void PeerManager::run() {
  const auto never = Clock::time_point::max();
  auto nextAfter = [&](std::chrono::milliseconds every) { return every.count() > 0 ? Clock::now() + every : never; };
  const bool health = !options_.passive && options_.healthInterval.count() > 0;
  bool due = true;  // the first cycle, at once
  CycleKind dueKind = CycleKind::Normal;
  auto nextRefresh = nextAfter(options_.refreshInterval);
  auto nextHealth = health ? nextAfter(options_.healthInterval) : never;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const std::uint64_t wanted = optimizeWanted_;
    if (wanted > optimizeDone_ && !due) {
      due = true;
      dueKind = CycleKind::Normal;
    }
    if (due) {
      const CycleKind kind = dueKind;
      due = false;
      lock.unlock();
      runCycle(kind);
      lock.lock();
      if (kind != CycleKind::Refill) nextRefresh = nextAfter(options_.refreshInterval);
      if (wanted > optimizeDone_) {
        optimizeDone_ = wanted;
        optimized_.notify_all();
      }
      continue;
    }
    wake_.wait_until(lock, std::min(nextRefresh, nextHealth),
                     [&] { return stopping_ || optimizeWanted_ > optimizeDone_; });
    if (stopping_) break;
    const auto now = Clock::now();
    if (now >= nextRefresh) {
      due = true;
      dueKind = CycleKind::Normal;
      nextRefresh = nextAfter(options_.refreshInterval);
    }
    if (now >= nextHealth) {
      nextHealth = nextAfter(options_.healthInterval);
      lock.unlock();
      auto wantedByHealth = checkHealth();
      lock.lock();
      if (wantedByHealth && (!due || *wantedByHealth == CycleKind::Outage)) {
        due = true;
        dueKind = *wantedByHealth;
      }
    }
  }
}

void PeerManager::runCycle(CycleKind kind) {
  try {
    if (options_.passive) passiveCycle();
    else activeCycle(kind);
  } catch (const std::exception& e) {
    // The node's peer calls failed (e.g. it is closing): try again next time.
    log_.warn("cycle failed: ", e.what());
  }
}

std::vector<PeerManager::LinkView> PeerManager::linkViews() const {
  std::map<std::string, LinkView> byIdentity;
  for (const auto& p : peers_.getPeers()) {
    if (p.inbound) continue;
    auto& v = byIdentity[identityOf(p.uri)];
    v.present = true;
    v.up = v.up || p.up;
    v.failed = !v.up && !p.lastError.empty();
  }
  std::vector<LinkView> out(candidates_.size());
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    if (auto it = byIdentity.find(candidates_[i].uri.identity); it != byIdentity.end()) out[i] = it->second;
  }
  return out;
}

std::optional<PeerManager::CycleKind> PeerManager::checkHealth() {
  std::vector<LinkView> views;
  try {
    views = linkViews();
  } catch (const std::exception& e) {
    log_.warn("health check: cannot read the node's peers: ", e.what());
    return std::nullopt;
  }
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  std::size_t managed = 0, up = 0;
  for (std::size_t i = 0; i < states_.size(); ++i) {
    State& s = states_[i];
    if (!s.managed) continue;
    ++managed;
    s.seenUp = s.seenUp || views[i].up;
    if (views[i].up || (comingUp(s, now) && !views[i].failed)) ++up;
  }
  if (up == 0) {
    confirmations_ = 0;
    log_.info("health check: none of ", managed, " managed peer(s) up: outage cycle");
    return CycleKind::Outage;
  }
  if (options_.minPeers == 0 || up > options_.minPeers) {
    confirmations_ = 0;
    return std::nullopt;
  }
  if (++confirmations_ < options_.minPeersConfirmations) {
    log_.debug("health check: ", up, " managed peer(s) up, MinPeers ", options_.minPeers, " (", confirmations_, " of ",
               options_.minPeersConfirmations, ")");
    return std::nullopt;
  }
  confirmations_ = 0;
  log_.info("health check: ", up, " managed peer(s) up, at most MinPeers ", options_.minPeers, ": refill cycle");
  return CycleKind::Refill;
}

std::vector<std::size_t> PeerManager::pickCandidates(CycleKind kind, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::vector<std::size_t> list;
  for (std::size_t i = 0; i < states_.size(); ++i)
    if (states_[i].managed) list.push_back(i);
  std::size_t taken = 0, looked = 0;
  const std::size_t n = candidates_.size(), from = cursor_;
  while (taken < options_.batchSize && looked < n) {
    const std::size_t i = (from + looked) % n;
    ++looked;
    const State& s = states_[i];
    if (s.managed || now < s.backoffUntil) continue;
    if (kind == CycleKind::Normal && now < s.holdUntil) continue;
    list.push_back(i);
    ++taken;
    cursor_ = (i + 1) % n;
  }
  return list;
}

void PeerManager::activeCycle(CycleKind kind) {
  const auto began = Clock::now();
  const std::vector<std::size_t> list = pickCandidates(kind, began);
  std::vector<std::string> uris;
  uris.reserve(list.size());
  for (auto i : list) uris.push_back(candidates_[i].uri.uri);

  auto round = std::make_shared<ProbeRound>(peers_, options_.batchSize, options_.probeTimeout, options_.probeSamples);
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    round_ = round;
  }
  log_.debug(kindName(kind), " cycle: probing ", list.size(), " candidate(s), at most ", options_.batchSize, " at once");
  const std::vector<ProbeAnswer> answers = round->run(uris);
  {
    std::lock_guard lock(mutex_);
    round_.reset();
    peakProbes_ = std::max(peakProbes_, round->peakInFlight());
    if (stopping_) return;
  }
  const std::vector<LinkView> views = linkViews();
  const auto now = Clock::now();

  std::vector<Measured> measured;
  std::map<std::string, std::size_t> slots;
  {
    std::lock_guard lock(mutex_);
    for (std::size_t k = 0; k < list.size(); ++k) {
      const std::size_t i = list[k];
      const Candidate& c = candidates_[i];
      slots.emplace(c.uri.scheme, options_.maxPerProto);
      State& s = states_[i];
      ++s.probes;
      std::optional<std::chrono::nanoseconds> rtt;
      if (answers[k].ok) rtt = answers[k].rtt;
      else if (s.managed && views[i].up && s.rtt) rtt = s.rtt;  // the probe failed, the link did not
      if (answers[k].ok) s.rtt = answers[k].rtt;
      if (!answers[k].ok) s.lastError = answers[k].answered ? answers[k].error : "probe abandoned";
      if (!rtt) continue;
      // Refill: managed peers that are up keep their slot whatever their speed.
      if (kind == CycleKind::Refill && s.managed && (views[i].up || (comingUp(s, now) && !views[i].failed))) {
        measured.push_back({i, c.uri.scheme, c.uri.identity, std::chrono::nanoseconds(1)});
      } else {
        measured.push_back({i, c.uri.scheme, c.uri.identity, *rtt});
      }
    }
  }
  const std::vector<std::size_t> winners = selectFastest(measured, slots);
  applyWinners(list, answers, winners, now);

  std::lock_guard lock(mutex_);
  ++cycles_;
  std::size_t reachable = 0, managed = 0;
  for (const auto& m : measured) reachable += m.rtt.count() > 0 ? 1 : 0;
  for (const auto& s : states_) managed += s.managed ? 1 : 0;
  json::Value chosen = json::Value::array();
  for (auto i : winners) chosen.push(candidates_[i].uri.identity);
  json::Value last = json::Value::object();
  last.set("kind", kindName(kind));
  last.set("probed", list.size());
  last.set("reachable", reachable);
  last.set("chosen", std::move(chosen));
  last.set("duration_ms", msOf(Clock::now() - began));
  lastCycle_ = std::move(last);
  if (managed == 0 && list.empty()) log_.debug("no candidate to probe: all wait out their back-off");
  else if (managed == 0) log_.warn("no reachable peers after probe (", list.size(), " candidate(s) probed)");
  else log_.info(kindName(kind), " cycle: ", list.size(), " probed, ", reachable, " reachable, ", managed, " managed");
}

void PeerManager::applyWinners(const std::vector<std::size_t>& list, const std::vector<ProbeAnswer>& answers,
                               const std::vector<std::size_t>& winners, Clock::time_point now) {
  std::vector<bool> won(candidates_.size(), false);
  for (auto i : winners) won[i] = true;
  for (std::size_t k = 0; k < list.size(); ++k) {
    const std::size_t i = list[k];
    bool managed;
    {
      std::lock_guard lock(mutex_);
      managed = states_[i].managed;
    }
    if (won[i] && !managed) {
      if (tryAdd(i)) log_.info("chose ", candidates_[i].uri.redacted(), " (", msExact(*states_[i].rtt), " ms, ",
                               candidates_[i].origin, ")");
    } else if (!won[i] && managed) {
      if (tryRemove(i)) log_.info("dropped ", candidates_[i].uri.redacted(), answers[k].ok ? " (slower)" : " (unreachable)");
    }
    std::lock_guard lock(mutex_);
    State& s = states_[i];
    if (won[i]) {
      s.failures = 0;
      s.backoffUntil = s.holdUntil = {};
    } else if (answers[k].ok) {
      s.failures = 0;
      s.backoffUntil = {};
      if (options_.reprobeInterval.count() > 0) s.holdUntil = now + options_.reprobeInterval;
    } else if (answers[k].answered) {
      ++s.failures;
      auto wait = options_.probeTimeout * (std::int64_t{1} << std::min<std::size_t>(s.failures, 20));
      s.backoffUntil = now + std::min<std::chrono::milliseconds>(wait, options_.maxFailureBackoff);
    }
  }
}

bool PeerManager::tryAdd(std::size_t i) {
  const Candidate& c = candidates_[i];
  try {
    peers_.addPeer(c.uri.uri);
  } catch (const Error& e) {
    std::lock_guard lock(mutex_);
    State& s = states_[i];
    s.lastError = e.what();
    if (e.code() == Errc::AlreadyExists) {
      log_.warn("not managing ", c.uri.redacted(), " (", c.origin, "): the node has it already, from elsewhere");
      s.backoffUntil = Clock::now() + options_.maxFailureBackoff;
    } else {
      log_.warn("cannot add ", c.uri.redacted(), " (", c.origin, "): ", e.what());
      ++s.failures;
      s.backoffUntil = Clock::now() + options_.probeTimeout * 2;
    }
    return false;
  }
  std::lock_guard lock(mutex_);
  states_[i].managed = true;
  states_[i].seenUp = false;
  states_[i].addedAt = Clock::now();
  return true;
}

bool PeerManager::tryRemove(std::size_t i) {
  const Candidate& c = candidates_[i];
  try {
    peers_.removePeer(c.uri.uri);
  } catch (const Error& e) {
    if (e.code() != Errc::NotFound) {
      log_.warn("cannot remove ", c.uri.redacted(), ": ", e.what(), " (still managed)");
      return false;
    }
  }
  std::lock_guard lock(mutex_);
  states_[i].managed = false;
  return true;
}

void PeerManager::passiveCycle() {
  const std::vector<LinkView> views = linkViews();
  std::size_t added = 0;
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      if (states_[i].managed || views[i].present || Clock::now() < states_[i].backoffUntil) continue;
    }
    if (tryAdd(i)) ++added;
  }
  std::lock_guard lock(mutex_);
  ++cycles_;
  json::Value last = json::Value::object();
  last.set("kind", "passive");
  last.set("added", added);
  lastCycle_ = std::move(last);
  log_.info("passive cycle: ", added, " peer(s) added");
}

void PeerManager::removeAllManaged() {
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    bool managed;
    {
      std::lock_guard lock(mutex_);
      managed = states_[i].managed;
    }
    if (managed) tryRemove(i);
  }
}

json::Value PeerManager::snapshot() const {
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  json::Value out = json::Value::object();
  out.set("mode", options_.passive ? "passive" : "active");
  json::Value managed = json::Value::array();
  json::Value all = json::Value::array();
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    const State& s = states_[i];
    const Candidate& c = candidates_[i];
    if (s.managed) managed.push(c.uri.identity);
    json::Value e = json::Value::object();
    e.set("uri", c.uri.identity);
    e.set("origin", c.origin);
    const char* state = s.managed ? "managed" : now < s.backoffUntil ? "backoff" : now < s.holdUntil ? "hold" : "idle";
    e.set("state", state);
    e.set("probes", s.probes);
    if (s.rtt) e.set("rtt_ms", msExact(*s.rtt));
    if (s.failures) e.set("failures", s.failures);
    if (now < s.backoffUntil) e.set("retry_in_ms", msOf(s.backoffUntil - now));
    if (!s.lastError.empty()) e.set("last_error", s.lastError);
    all.push(std::move(e));
  }
  out.set("managed", std::move(managed));
  out.set("cycles", cycles_);
  out.set("peak_probes_in_flight", peakProbes_);
  out.set("batch_size", options_.batchSize);
  out.set("last_cycle", lastCycle_);
  out.set("candidates", std::move(all));
  return out;
}

}  // namespace rtk::peermgr
