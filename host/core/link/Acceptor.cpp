#include "core/link/Acceptor.hpp"

#include <poll.h>
#include <sys/eventfd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "ratatoskr/error.hpp"

namespace rtk::core::link {

Acceptor::Acceptor(rtk::Log log, Handler handler)
    : log_(std::move(log)), handler_(std::move(handler)), wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!wake_.valid()) throw Error(Errc::Io, "links: eventfd: " + std::string(std::strerror(errno)));
  thread_.start("rtk-accept", [this] { run(); });
}

Acceptor::~Acceptor() { stop(); }

void Acceptor::signal() {
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
}

void Acceptor::waitApplied(std::unique_lock<std::mutex>& lock) {
  std::uint64_t wanted = version_;
  signal();
  applied_.wait(lock, [&] { return appliedVersion_ >= wanted || finished_; });
}

void Acceptor::add(std::shared_ptr<LinkListener> listener) {
  std::unique_lock lock(mutex_);
  if (stopping_) throw Error(Errc::Closed, "links: stopped");
  listeners_[listener->id()] = std::move(listener);
  ++version_;
  signal();
}

std::shared_ptr<LinkListener> Acceptor::remove(std::uint64_t id) {
  std::unique_lock lock(mutex_);
  auto it = listeners_.find(id);
  if (it == listeners_.end()) return nullptr;
  auto listener = std::move(it->second);
  listeners_.erase(it);
  ++version_;
  waitApplied(lock);
  return listener;
}

void Acceptor::stop() {
  {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    signal();
  }
  thread_.join();
  std::lock_guard lock(mutex_);
  listeners_.clear();
}

void Acceptor::run() {
  using Clock = std::chrono::steady_clock;
  std::vector<std::shared_ptr<LinkListener>> active;
  std::map<std::uint64_t, Clock::time_point> paused;
  std::vector<pollfd> fds;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
      if (appliedVersion_ != version_) {
        active.clear();  // drops our references to removed listeners
        for (auto& [id, l] : listeners_) active.push_back(l);
        appliedVersion_ = version_;
        applied_.notify_all();
      }
    }
    auto now = Clock::now();
    int timeoutMs = -1;
    fds.clear();
    fds.push_back({wake_.get(), POLLIN, 0});
    for (auto& l : active) {
      auto p = paused.find(l->id());
      if (p != paused.end()) {
        if (p->second > now) {
          auto left = std::chrono::ceil<std::chrono::milliseconds>(p->second - now).count();
          timeoutMs = timeoutMs < 0 ? int(left) : std::min(timeoutMs, int(left));
          fds.push_back({-1, 0, 0});  // keeps indexes aligned with `active`
          continue;
        }
        paused.erase(p);
      }
      fds.push_back({l->fd(), POLLIN, 0});
    }
    int n = ::poll(fds.data(), fds.size(), timeoutMs);
    if (n < 0) {
      if (errno == EINTR) continue;
      log_.error("acceptor: poll failed: ", std::strerror(errno));
      break;
    }
    if (fds[0].revents) {
      std::uint64_t count;
      [[maybe_unused]] auto r = ::read(wake_.get(), &count, sizeof count);
    }
    for (std::size_t i = 0; i < active.size(); ++i) {
      if (!(fds[i + 1].revents & (POLLIN | POLLERR | POLLHUP))) continue;
      auto& l = active[i];
      try {
        while (auto accepted = l->acceptOne()) handler_(l, std::move(*accepted));
      } catch (const Error& e) {
        log_.warn(e.what(), "; pausing this listener for a second");
        paused[l->id()] = Clock::now() + std::chrono::seconds(1);
      }
    }
  }
  std::lock_guard lock(mutex_);
  active.clear();
  finished_ = true;
  applied_.notify_all();
}

}  // namespace rtk::core::link
