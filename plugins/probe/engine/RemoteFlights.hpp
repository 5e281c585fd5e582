// RemoteFlights — one remote call per (kind, key) however many callers want
// it, at most kMaxFlights distinct calls out at once, no thread per call.
//
// call() joins the flight for (kind, key) or starts one through the
// upstream's asynchronous query; every caller's `done` runs once with the
// same reply, on the thread the reply arrives on (or inline when the call
// cannot start). A new distinct call beyond the cap is refused at once with
// Errc::Refused ("busy"). close() refuses new calls and ends every waiting
// caller with Errc::Closed; replies still out are dropped when they come.
// A flight keeps its slot until its reply (or the upstream's timeout) comes.
//
// Create with std::make_shared: replies hold the object alive.
// Thread-safety: any thread; `done` never runs under the internal lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "ProbeUpstream.hpp"

namespace rtk::probe {

class RemoteFlights : public std::enable_shared_from_this<RemoteFlights> {
 public:
  using Done = std::function<void(const Outcome<RemoteReply>&)>;
  struct Counters {
    std::uint64_t calls = 0;    // remote calls made
    std::uint64_t joined = 0;   // callers that joined a flight already out
    std::uint64_t busy = 0;     // refused at the cap
    std::size_t inFlight = 0;
  };

  RemoteFlights(ProbeUpstream& upstream, std::chrono::milliseconds timeout) : upstream_(upstream), timeout_(timeout) {}

  void call(RemoteQuery kind, const PublicKey& key, Done done);
  void close();
  Counters counters() const;

 private:
  using FlightKey = std::pair<int, PublicKey>;
  void finish(const FlightKey& id, const Outcome<RemoteReply>& reply);

  ProbeUpstream& upstream_;
  const std::chrono::milliseconds timeout_;
  mutable std::mutex mutex_;
  bool closed_ = false;
  std::map<FlightKey, std::vector<Done>> flights_;  // waiting callers per flight
  Counters counters_;
};

}  // namespace rtk::probe
