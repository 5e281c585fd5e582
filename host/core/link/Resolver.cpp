#include "core/link/Resolver.hpp"

namespace rtk::core::link {

Resolver::~Resolver() { stop(); }

bool Resolver::ensureStarted() {
  std::lock_guard lock(mutex_);
  if (stopped_) return false;
  if (!workers_.empty()) return true;
  for (std::size_t i = 0; i < threads_; ++i) {
    auto worker = std::make_unique<Worker>();
    Worker* w = worker.get();
    worker->thread.start("rtk-resolve-" + std::to_string(i), [this, w] { serve(*w); });
    workers_.push_back(std::move(worker));
  }
  return true;
}

void Resolver::resolve(std::string host, std::uint16_t port, Done done) {
  if (!ensureStarted()) {
    done({}, Error(Errc::Closed, "lookup " + host + ": node stopping"));
    return;
  }
  // Workers are only added before the first lookup and removed by stop(),
  // after which ensureStarted() says no; a lookup racing stop() finds its
  // queue closed and is answered below.
  Worker& w = *workers_[next_.fetch_add(1) % workers_.size()];
  Done answer = done;  // the push consumes its job even when it refuses it
  const std::string name = host;
  if (w.queue.push(Job{std::move(host), port, std::move(done)}) == QueuePush::Dropped)
    answer({}, Error(Errc::Unreachable, "lookup " + name + ": resolver busy or stopping (" +
                                            std::to_string(kQueuedPerThread) + " lookups queued at most)"));
}

void Resolver::serve(Worker& worker) {
  std::vector<Job> batch;
  while (worker.queue.waitDrainInto(batch)) {
    for (auto& job : batch) {
      if (stopping_.load()) {  // queued when stop() came: answered at once
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
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    stopping_.store(true);
    for (auto& w : workers_) w->queue.close();
  }
  // Joined without the lock; the workers stay allocated until the
  // destructor, so a lookup racing stop() still finds its (closed) queue.
  for (auto& w : workers_) w->thread.join();
}

}  // namespace rtk::core::link
