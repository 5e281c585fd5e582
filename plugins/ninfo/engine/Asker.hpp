// Asker — the ninfo engine: asks nodes for their NodeInfo by any target form
// (AskTarget), one flight per key and per address however many callers ask,
// and reads the answers (NodeInfoReader). Used by the ninfo plugin (its
// service and admin command) and by rtk::NodeInfoAsker in libratatoskr.
//
// Flights (plugins.md §7.2, §7.3):
//  - Key: calls upstream queryNodeInfo (each call at most 6 s, never past
//    the flight's deadline); on failure waits the retry pause and calls
//    again, until an answer, maxAskTime, or no caller is left. The answer
//    is read once and handed to every caller; RTT is the successful call's.
//  - Address (200::/8) or subnet (300::/8, per /64): looks for a key among
//    peers, sessions and paths; else sends a lookup for the partial key and
//    polls paths (lookupInterval doubling to 1 s), re-sending the lookup at
//    each poll, until maxLookupTime; then joins the key's flight.
//  - At most 64 key flights and 64 address flights; a caller beyond that
//    gets "busy". A key flight whose last caller left stops retrying but
//    still counts until its call in progress returns; a caller arriving
//    then waits for it to end and starts a fresh flight.
//  - A caller's own timeout (0: none) detaches it alone.
//
// Threads: one EventLoop, "rtk-ninfo", started by the constructor: every
// flight's state, timer and upstream reply is handled there, so any number
// of asks in flight cost no thread each. Callbacks run on it too, one at a
// time (return quickly). ask, cancel, close and counters may be called from
// any thread; close() and the destructor not from a callback.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "AskTarget.hpp"
#include "AskTiming.hpp"
#include "NodeInfoReader.hpp"
#include "Upstream.hpp"
#include "core/util/EventLoop.hpp"
#include "ratatoskr/address.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/ninfo.hpp"

namespace rtk::ninfo {

class Asker {
 public:
  using Callback = std::function<void(Outcome<AskResult>)>;
  using Clock = std::chrono::steady_clock;

  // What has happened so far (for tests, the admin command askStats, logs).
  struct Counters {
    std::uint64_t asks = 0;            // accepted ask() calls
    std::uint64_t keyFlights = 0;      // key flights started
    std::uint64_t addressFlights = 0;  // address flights started
    std::uint64_t nodeInfoCalls = 0;   // upstream NodeInfo calls (attempts)
    std::uint64_t lookups = 0;         // lookups sent
    std::uint64_t busy = 0;            // callers refused as busy
    std::size_t keyFlightsNow = 0, addressFlightsNow = 0;
  };

  // `upstream` and `catalog` must outlive the asker. Throws InvalidArgument
  // for bad options (AskTiming).
  Asker(Upstream& upstream, const SigilCatalog& catalog, const AskOptions& options, Log log);
  ~Asker();
  Asker(const Asker&) = delete;
  Asker& operator=(const Asker&) = delete;

  // Parses `target` (throws its InvalidArgument, or Closed after close())
  // and returns an id (never 0); `done` then runs exactly once on rtk-ninfo
  // unless cancel(id) comes first. timeout 0: no caller deadline.
  std::uint64_t ask(std::string_view target, std::chrono::milliseconds timeout, Callback done);
  // After it returns, `done` of `id` is not running and never will (from
  // inside a callback the running one finishes). Unknown ids: no-op.
  void cancel(std::uint64_t id);
  // Every ask still waiting ends with Closed; then the thread is joined.
  // Idempotent.
  void close();

  Counters counters() const;
  bool onAskerThread() const { return loop_.inLoopThread(); }

 private:
  enum class Stage { Address, Key, Queued };
  struct Waiter {
    std::string target;
    Callback done;
    std::chrono::milliseconds timeout{0};
    core::EventLoop::TimerId timer = 0;
    Stage stage = Stage::Key;
    PublicKey key;        // Stage::Key, Stage::Queued
    Ip6Address address;   // Stage::Address
  };
  struct KeyFlight {
    std::set<std::uint64_t> waiters;
    std::set<std::uint64_t> queued;   // arrived after it was abandoned
    std::uint64_t generation = 0;
    Clock::time_point started;
    std::optional<Clock::time_point> deadline;
    int attempts = 0;
    bool calling = false;
    bool abandoned = false;
    core::EventLoop::TimerId retryTimer = 0;
  };
  struct AddressFlight {
    AskTarget target;
    address::PartialKey partial;
    std::set<std::uint64_t> waiters;
    Clock::time_point started;
    std::optional<Clock::time_point> deadline;
    Clock::duration delay{};
    core::EventLoop::TimerId pollTimer = 0;
    int lookups = 0;
  };
  // Upstream replies reach the loop through this; close() cuts it, so a
  // reply arriving later finds nothing to call.
  struct Gate {
    std::mutex mutex;
    core::EventLoop* loop = nullptr;
  };

  // Everything below runs on the loop thread.
  void admit(std::uint64_t id, AskTarget target, Waiter waiter);
  void joinKey(std::uint64_t id, const PublicKey& key);
  void startKeyFlight(const PublicKey& key, std::set<std::uint64_t> waiters);
  void attempt(const PublicKey& key);
  void onReply(const PublicKey& key, std::uint64_t generation, Outcome<RemoteReply> reply);
  void retireAbandoned(const PublicKey& key);
  void joinAddress(std::uint64_t id, const AskTarget& target);
  void resolveOnce(const Ip6Address& flightKey);
  void poll(const Ip6Address& flightKey);
  bool matches(const AddressFlight& flight, const PublicKey& key) const;
  void resolved(const Ip6Address& flightKey, const PublicKey& key);
  void detach(std::uint64_t id);
  void onCallerTimeout(std::uint64_t id);
  void shutdown();
  // Calls each waiter's done with what make(waiter) returns, one at a time,
  // skipping those cancelled meanwhile.
  void deliver(const std::set<std::uint64_t>& ids, const std::function<Outcome<AskResult>(const Waiter&)>& make);
  void fail(std::uint64_t id, const Error& error);

  Upstream& upstream_;
  NodeInfoReader reader_;
  AskTiming timing_;
  Log log_;

  std::map<std::uint64_t, Waiter> waiters_;
  std::map<PublicKey, KeyFlight> keyFlights_;
  std::map<Ip6Address, AddressFlight> addressFlights_;
  std::uint64_t generations_ = 0;

  std::mutex lifecycle_;  // closed_ and posting admissions, against close()
  bool closed_ = false;
  std::atomic<std::uint64_t> nextId_{1};
  struct AtomicCounters {
    std::atomic<std::uint64_t> asks{0}, keyFlights{0}, addressFlights{0}, nodeInfoCalls{0}, lookups{0}, busy{0};
    std::atomic<std::size_t> keyFlightsNow{0}, addressFlightsNow{0};
  } counters_;
  std::shared_ptr<Gate> gate_ = std::make_shared<Gate>();
  core::EventLoop loop_{"rtk-ninfo"};  // last: its thread starts once everything above exists
};

}  // namespace rtk::ninfo
