#include "core/link/LinkReactor.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "ratatoskr/error.hpp"

namespace rtk::core::link {
namespace {

// epoll data of the loop's own eventfd; pollable ids start at 1.
constexpr std::uint64_t kWakeId = 0;
constexpr int kEventsPerWait = 64;

std::uint32_t epollEvents(const Pollable::Interest& in) {
  return (in.readable ? EPOLLIN : 0u) | (in.writable ? EPOLLOUT : 0u);
}

}  // namespace

// One thread, its epoll set and the pollables attached to it. Everything
// but the hand-over lists (added_, poked_) belongs to the loop's thread.
class LinkReactor::Loop {
 public:
  explicit Loop(std::string name)
      : epoll_(::epoll_create1(EPOLL_CLOEXEC)), wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (!epoll_.valid() || !wake_.valid())
      throw Error(Errc::Io, name + ": epoll/eventfd: " + std::string(std::strerror(errno)));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kWakeId;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &ev) != 0)
      throw Error(Errc::Io, name + ": epoll_ctl: " + std::string(std::strerror(errno)));
    thread_.start(std::move(name), [this] { run(); });
  }
  ~Loop() { stop(); }

  void add(std::uint64_t id, std::shared_ptr<Pollable> p) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) throw Error(Errc::Closed, "links: stopped");
      added_.emplace_back(id, std::move(p));
    }
    live_.fetch_add(1);
    wake();
  }

  void poke(std::uint64_t id) {
    bool first;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      first = poked_.empty() && added_.empty();
      poked_.push_back(id);
    }
    if (first) wake();  // a wake is already due for a non-empty list
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake();
    thread_.join();
    live_.store(0);
  }

  bool isCurrent() const { return thread_.isCurrent(); }

  // Loop thread: the pollable `id` (being driven) is about to close its socket.
  void release(std::uint64_t id) {
    if (auto it = entries_.find(id); it != entries_.end()) unwatch(it->second);
  }
  std::size_t live() const { return live_.load(); }

 private:
  struct Entry {
    std::shared_ptr<Pollable> pollable;
    int fd = -1;
    std::uint32_t events = 0;
    std::uint64_t socketGeneration = 0;
    Pollable::Clock::time_point deadline = Pollable::Clock::time_point::max();
  };

  void wake() {
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
  }

  int waitMs() const {
    if (!again_.empty()) return 0;
    if (timers_.empty()) return -1;
    auto left = std::chrono::ceil<std::chrono::milliseconds>(timers_.begin()->first - Pollable::Clock::now());
    return static_cast<int>(std::clamp<long long>(left.count(), 0, 60000));
  }

  void run() {
    epoll_event events[kEventsPerWait];
    std::vector<std::pair<std::uint64_t, std::shared_ptr<Pollable>>> added;
    std::vector<std::uint64_t> poked, again;
    for (;;) {
      int n = ::epoll_wait(epoll_.get(), events, kEventsPerWait, waitMs());
      if (n < 0) n = 0;  // EINTR; nothing else can fail on a valid epoll fd
      bool woken = false;
      for (int i = 0; i < n; ++i) {
        if (events[i].data.u64 == kWakeId)
          woken = true;
        else
          drive(events[i].data.u64, events[i].events);
      }
      if (woken) {
        std::uint64_t count;
        [[maybe_unused]] auto r = ::read(wake_.get(), &count, sizeof count);
        {
          std::lock_guard lock(mutex_);
          if (stopping_) break;
          added.swap(added_);
          poked.swap(poked_);
        }
        for (auto& [id, p] : added) {
          entries_.emplace(id, Entry{std::move(p)});
          drive(id, 0);
        }
        added.clear();
        for (auto id : poked) drive(id, 0);
        poked.clear();
      }
      again.swap(again_);
      for (auto id : again) drive(id, 0);
      again.clear();
      const auto now = Pollable::Clock::now();
      while (!timers_.empty() && timers_.begin()->first <= now) {
        const std::uint64_t id = timers_.begin()->second;
        if (auto it = entries_.find(id); it != entries_.end())
          setDeadline(id, it->second, Pollable::Clock::time_point::max());
        else
          timers_.erase(timers_.begin());
        drive(id, 0);
      }
    }
    entries_.clear();  // dropped without another drive: see stop()
    timers_.clear();
  }

  void drive(std::uint64_t id, std::uint32_t events) {
    auto it = entries_.find(id);
    if (it == entries_.end()) return;  // finished, or a stale event
    Entry& e = it->second;
    Pollable::Interest in = e.pollable->drive(events);
    if (in.finished) {
      unwatch(e);
      setDeadline(id, e, Pollable::Clock::time_point::max());
      entries_.erase(it);
      live_.fetch_sub(1);
      return;
    }
    // A new socket, even under the number of the one just closed, is a new
    // registration: closing dropped the old one from the epoll set.
    if (in.fd != e.fd || in.socketGeneration != e.socketGeneration) {
      unwatch(e);
      if (in.fd >= 0) {
        epoll_event ev{};
        ev.events = epollEvents(in);
        ev.data.u64 = id;
        if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, in.fd, &ev) == 0) {
          e.fd = in.fd;
          e.events = ev.events;
        } else {
          // Cannot happen for a valid socket; drive it again rather than lose it.
          again_.push_back(id);
        }
      }
      e.socketGeneration = in.socketGeneration;
    } else if (e.fd >= 0 && epollEvents(in) != e.events) {
      epoll_event ev{};
      ev.events = epollEvents(in);
      ev.data.u64 = id;
      ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, e.fd, &ev);
      e.events = ev.events;
    }
    setDeadline(id, e, in.deadline);
    if (in.again) again_.push_back(id);
  }

  // Moves the entry's one place in timers_ (none for time_point::max()).
  void setDeadline(std::uint64_t id, Entry& e, Pollable::Clock::time_point deadline) {
    if (deadline == e.deadline) return;
    if (e.deadline != Pollable::Clock::time_point::max()) timers_.erase({e.deadline, id});
    e.deadline = deadline;
    if (deadline != Pollable::Clock::time_point::max()) timers_.emplace(deadline, id);
  }

  void unwatch(Entry& e) {
    // A pollable releases its socket before closing it, so the number still
    // names that socket here.
    if (e.fd >= 0) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, e.fd, nullptr);
    e.fd = -1;
    e.events = 0;
  }

  UniqueFd epoll_, wake_;
  std::mutex mutex_;  // guards the three below
  std::vector<std::pair<std::uint64_t, std::shared_ptr<Pollable>>> added_;
  std::vector<std::uint64_t> poked_;
  bool stopping_ = false;
  std::atomic<std::size_t> live_{0};

  std::unordered_map<std::uint64_t, Entry> entries_;                  // loop thread only
  std::set<std::pair<Pollable::Clock::time_point, std::uint64_t>> timers_;  // loop thread only
  std::vector<std::uint64_t> again_;                                  // loop thread only
  Thread thread_;
};

LinkReactor::LinkReactor(std::size_t threads) {
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i)
    loops_.push_back(std::make_unique<Loop>("rtk-linkio-" + std::to_string(i)));
}

LinkReactor::~LinkReactor() { stop(); }

LinkReactor::Slot LinkReactor::assign() {
  return Slot{next_.fetch_add(1) % loops_.size(), nextId_.fetch_add(1)};
}

void LinkReactor::attach(const Slot& slot, std::shared_ptr<Pollable> p) { loops_.at(slot.loop)->add(slot.id, std::move(p)); }

void LinkReactor::poke(const Slot& slot) { loops_.at(slot.loop)->poke(slot.id); }

bool LinkReactor::inLoop(const Slot& slot) const { return loops_.at(slot.loop)->isCurrent(); }

void LinkReactor::release(const Slot& slot) {
  Loop& loop = *loops_.at(slot.loop);
  if (!loop.isCurrent()) throw Error(Errc::InvalidArgument, "links: release() off the pollable's own thread");
  loop.release(slot.id);
}

void LinkReactor::stop() {
  for (auto& loop : loops_) loop->stop();
}

std::size_t LinkReactor::attached() const {
  std::size_t n = 0;
  for (const auto& loop : loops_) n += loop->live();
  return n;
}

}  // namespace rtk::core::link
