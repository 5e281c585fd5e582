// Resolver — host name lookups for dialling links, off the link threads.
//
// The system resolver blocks; the link threads must not (they carry every
// other link). Lookups run on a fixed set of threads ("rtk-resolve-N"),
// each with its own bounded queue, picked round robin. The threads start
// with the first lookup: a node whose peers are all IP literals has none. A lookup that finds
// its queue full fails at once ("resolver busy") instead of waiting.
// IP literals never come here (Link takes them as they are).
//
// Thread-safety: resolve and stop from any thread. `done` runs on a
// resolver thread, or inline in resolve() when the lookup is refused; it
// must not block. After stop(), lookups are refused with Errc::Closed and
// queued ones are answered that way.
#pragma once

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/link/SocketAddress.hpp"
#include "core/util/BoundedQueue.hpp"
#include "core/util/Thread.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::link {

class Resolver {
 public:
  // Either the addresses (as SocketAddress::resolve gives them) or why not.
  using Done = std::function<void(std::vector<SocketAddress> addresses, std::optional<Error> error)>;

  static constexpr std::size_t kQueuedPerThread = 256;

  explicit Resolver(std::size_t threads) : threads_(std::max<std::size_t>(threads, 1)) {}
  ~Resolver();  // stop()
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  void resolve(std::string host, std::uint16_t port, Done done);
  void stop();

 private:
  struct Job {
    std::string host;
    std::uint16_t port = 0;
    Done done;
  };
  struct Worker {
    BoundedQueue<Job> queue{kQueuedPerThread};
    Thread thread;
  };
  void serve(Worker& worker);
  // Starts the threads once; false after stop().
  bool ensureStarted();

  const std::size_t threads_;
  std::mutex mutex_;  // guards workers_ while they are created and stopped
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<std::size_t> next_{0};
  bool stopped_ = false;  // guarded by mutex_
  std::atomic<bool> stopping_{false};
};

}  // namespace rtk::core::link
