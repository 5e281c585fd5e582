// LinkReactor — a fixed set of epoll threads ("rtk-linkio-N") that run every
// link's socket I/O, however many links there are.
//
// A Pollable (a Link) is attached to one of the threads, round robin, and
// stays there for its life: every call of its drive() happens on that
// thread, so its transport stack (OpenSSL objects included) is only ever
// touched by one thread. drive() does what it can without blocking and
// returns its Interest: the socket and readiness it waits for, the time at
// which it wants to run anyway (timeouts, keepalives), whether it has more
// to do at once (a read budget used up: other links get their turn first),
// or that it is finished, after which the reactor forgets it.
//
// A pollable that closes its socket release()s it first, on its thread.
// Other threads poke() a pollable (frames queued, close asked): it is driven
// on its thread soon after, once per batch of pokes.
//
// Thread-safety: attach, poke and stop from any thread. drive() must not
// block: a blocked drive stalls every link of its thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/link/UniqueFd.hpp"
#include "core/util/Thread.hpp"

namespace rtk::core::link {

class Pollable {
 public:
  using Clock = std::chrono::steady_clock;

  struct Interest {
    int fd = -1;              // -1: no socket to watch (waiting on a poke or the deadline)
    bool readable = false;    // wait for the fd to be readable
    bool writable = false;    // ... writable
    Clock::time_point deadline = Clock::time_point::max();
    std::uint64_t socketGeneration = 0;  // changed whenever fd names a new socket
    bool again = false;       // run again soon, after the others ready now
    bool finished = false;    // never drive again; the reactor drops its reference
  };

  virtual ~Pollable() = default;
  // Reactor thread. `events` is EPOLLIN/EPOLLOUT/EPOLLERR/EPOLLHUP for the
  // watched fd, 0 when run for a poke, a deadline or the first time.
  virtual Interest drive(std::uint32_t events) = 0;
};

class LinkReactor {
 public:
  // Where a pollable lives: for poke().
  struct Slot {
    std::size_t loop = 0;
    std::uint64_t id = 0;
  };

  // `threads` ≥ 1 loops, named "rtk-linkio-0" ...
  explicit LinkReactor(std::size_t threads);
  ~LinkReactor();  // stop()
  LinkReactor(const LinkReactor&) = delete;
  LinkReactor& operator=(const LinkReactor&) = delete;

  // Picks the loop and id of a pollable to be attached: known before
  // attach(), so the pollable can be poked as soon as it runs.
  Slot assign();
  // Hands `p` to its loop, which drives it for the first time soon. Throws
  // rtk::Error(Closed) once stopped.
  void attach(const Slot& slot, std::shared_ptr<Pollable> p);
  // Drive the pollable at `slot` soon (a no-op before attach and once it
  // finished: a pollable checks its own state when first driven).
  void poke(const Slot& slot);
  // True on the thread that drives `slot`.
  bool inLoop(const Slot& slot) const;
  // From the pollable's drive() only: stop watching its socket. Call it
  // before closing that socket, so the loop never touches a descriptor
  // number another thread may already have reused.
  void release(const Slot& slot);
  // Stops and joins the threads; pollables still attached are dropped
  // without another drive. Idempotent.
  void stop();

  // Pollables attached and not finished, over all loops (for tests and metrics).
  std::size_t attached() const;

 private:
  class Loop;
  std::vector<std::unique_ptr<Loop>> loops_;
  std::atomic<std::size_t> next_{0};
  std::atomic<std::uint64_t> nextId_{1};
};

}  // namespace rtk::core::link
