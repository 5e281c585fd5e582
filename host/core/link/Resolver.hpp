// Resolver — host name lookups for dialling links, off the link threads.
//
// The system resolver blocks; the link threads must not (they carry every
// other link). Lookups run on a fixed set of threads ("rtk-resolve-N"),
// each with its own bounded queue, picked round robin. A lookup that finds
// its queue full fails at once ("resolver busy") instead of waiting.
// IP literals never come here (Link takes them as they are).
//
// Thread-safety: resolve and stop from any thread. `done` runs on a
// resolver thread, or inline in resolve() when the lookup is refused; it
// must not block. After stop(), lookups are refused with Errc::Closed and
// queued ones are answered that way.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
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

  explicit Resolver(std::size_t threads);
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

  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> stopped_{false};
};

}  // namespace rtk::core::link
