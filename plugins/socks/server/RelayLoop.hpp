// RelayLoop — relays established tunnels, both directions, on one thread
// ("rtk-sockr-<n>", an epoll loop) for any number of tunnels.
//
// Each side is polled without a thread: the client's socket (and a direct
// destination's, SystemProxy) edge-triggered; a connection through the node
// by its readiness descriptor (rtk::Conn::readinessFd). On any event both
// directions are pumped with tryRead/tryWrite until each would block. A
// direction holds at most one 256 KiB buffer, only while bytes are in
// flight, so a slow reader throttles the sender through TCP itself. End of
// stream on one side half-closes the other (the opposite direction goes
// on); an error aborts both. A tunnel with no byte moving either way for
// its idle timeout is aborted (checked every second).
//
// The loop never owns the connections: `done` is called on the loop thread
// once the tunnel ended (after the loop stopped watching and touching both
// sides); the owner closes and frees them.
// Thread-safety: add from any thread; start/stop from the owner.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ratatoskr/log.hpp"
#include "ratatoskr/net.hpp"
#include "ratatoskr/thread.hpp"
#include "server/Relay.hpp"
#include "util/Fd.hpp"

namespace rtk::plugins::socks {

// One side of a tunnel as the loop polls it.
struct RelaySide {
  Conn* conn = nullptr;
  int fd = -1;             // polled descriptor
  bool eventfd = false;    // a readiness eventfd (drained, level-triggered) rather than the socket itself (edge-triggered)
};

struct RelayTunnel {
  RelaySide client, upstream;
  std::chrono::milliseconds idle{0};  // 0: no idle limit
  std::atomic<std::uint64_t>* bytesUp = nullptr;    // client → destination counter
  std::atomic<std::uint64_t>* bytesDown = nullptr;  // destination → client counter
  // Called once on the loop thread: up = client → destination, down = the other way.
  std::function<void(const RelayResult& up, const RelayResult& down)> done;
};

class RelayLoop {
 public:
  explicit RelayLoop(std::string threadName) : threadName_(std::move(threadName)) {}
  ~RelayLoop() { stop(); }
  RelayLoop(const RelayLoop&) = delete;
  RelayLoop& operator=(const RelayLoop&) = delete;

  // Errc::Io when epoll or the thread cannot be had.
  void start();
  // Aborts the tunnels still relayed (their `done` runs) and joins. Idempotent.
  void stop();
  // Takes the tunnel; Errc::Closed when not running.
  void add(RelayTunnel tunnel);
  std::size_t size() const noexcept { return size_.load(); }

 private:
  struct Direction {
    std::unique_ptr<char[]> buffer;  // only while bytes wait in it
    std::size_t head = 0, tail = 0;
    bool eof = false;   // the source ended
    bool done = false;  // ... and everything was written and the sink half-closed
    RelayResult result;
  };
  struct Entry {
    RelayTunnel tunnel;
    Direction up, down;
    TimePoint lastActivity;
  };

  void run();
  void admitPending();
  void pump(std::uint64_t id, Entry& e);
  // Moves bytes from → to until either would block; true when it moved any.
  bool pumpDirection(Conn& from, Conn& to, Direction& d, std::atomic<std::uint64_t>* counter);
  void finish(std::uint64_t id, const std::string& failure);
  void sweepIdle();
  void wake() noexcept;

  const std::string threadName_;
  Fd epoll_, wake_;
  rtk::Thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> size_{0};

  std::mutex pendingMutex_;
  bool running_ = false;             // guarded by pendingMutex_
  std::vector<RelayTunnel> pending_;  // guarded by pendingMutex_

  // Loop thread only.
  std::map<std::uint64_t, Entry> entries_;
  std::uint64_t nextId_ = 1;
  TimePoint nextSweep_{};
};

}  // namespace rtk::plugins::socks
