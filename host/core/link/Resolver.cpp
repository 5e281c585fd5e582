#include "core/link/Resolver.hpp"

#include <algorithm>

namespace rtk::core::link {

Resolver::Resolver(std::size_t threads) {
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) {
    auto worker = std::make_unique<Worker>();
    Worker* w = worker.get();
    worker->thread.start("rtk-resolve-" + std::to_string(i), [this, w] { serve(*w); });
    workers_.push_back(std::move(worker));
  }
}

Resolver::~Resolver() { stop(); }

void Resolver::resolve(std::string host, std::uint16_t port, Done done) {
  if (stopped_.load()) {
    done({}, Error(Errc::Closed, "lookup " + host + ": node stopping"));
    return;
  }
  Worker& w = *workers_[next_.fetch_add(1) % workers_.size()];
  Done answer = done;  // the push consumes its job even when it refuses it
  const std::string name = host;
  if (w.queue.push(Job{std::move(host), port, std::move(done)}) == QueuePush::Dropped)
    answer({}, stopped_.load() ? Error(Errc::Closed, "lookup " + name + ": node stopping")
                               : Error(Errc::Unreachable, "lookup " + name + ": resolver busy (" +
                                                              std::to_string(kQueuedPerThread) + " lookups queued)"));
}

void Resolver::serve(Worker& worker) {
  std::vector<Job> batch;
  while (worker.queue.waitDrainInto(batch)) {
    for (auto& job : batch) {
      if (stopped_.load()) {
        job.done({}, Error(Errc::Closed, "lookup " + job.host + ": node stopping"));
        continue;
      }
      std::vector<SocketAddress> addresses;
      std::optional<Error> error;
      try {
        addresses = SocketAddress::resolve(job.host, job.port);
      } catch (const Error& e) {
        error = e;
      } catch (const std::exception& e) {
        error = Error(Errc::Unreachable, "lookup " + job.host + ": " + e.what());
      }
      job.done(std::move(addresses), std::move(error));
    }
  }
}

void Resolver::stop() {
  if (stopped_.exchange(true)) return;
  for (auto& w : workers_) w->queue.close();
  for (auto& w : workers_) w->thread.join();
}

}  // namespace rtk::core::link
