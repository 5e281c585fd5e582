#include "server/RelayLoop.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <cerrno>
#include <cstring>

namespace rtk::plugins::socks {

namespace {

constexpr std::size_t kRelayLoopBufferBytes = 256 * 1024;
constexpr std::uint64_t kRelayWakeTag = 0;
constexpr auto kIdleSweepInterval = std::chrono::seconds(1);

// Tags: id << 1 | (1 for the destination side).
std::uint64_t relayTag(std::uint64_t id, bool upstream) { return id << 1 | (upstream ? 1 : 0); }

void abortQuietly(Conn& c) noexcept {
  try {
    c.abort();
  } catch (const std::exception&) {
    // Already failed: nothing left to stop.
  }
}

}  // namespace

void RelayLoop::start() {
  Fd epoll(::epoll_create1(EPOLL_CLOEXEC));
  Fd wake(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!epoll.valid() || !wake.valid()) throw Error(Errc::Io, std::string("socks: relay epoll/eventfd: ") + std::strerror(errno));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kRelayWakeTag;
  if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, wake.get(), &ev) != 0)
    throw Error(Errc::Io, std::string("socks: relay epoll_ctl: ") + std::strerror(errno));
  epoll_ = std::move(epoll);
  wake_ = std::move(wake);
  stopping_ = false;
  {
    std::lock_guard lock(pendingMutex_);
    running_ = true;
  }
  thread_.start(threadName_, [this] { run(); });
}

void RelayLoop::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  wake();
  thread_.join();
  epoll_.reset();
  wake_.reset();
}

void RelayLoop::add(RelayTunnel tunnel) {
  {
    std::lock_guard lock(pendingMutex_);
    if (!running_) throw Error(Errc::Closed, "socks: relay stopped");
    pending_.push_back(std::move(tunnel));
  }
  size_.fetch_add(1);
  wake();
}

void RelayLoop::wake() noexcept {
  std::uint64_t one = 1;
  if (wake_.valid()) [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
}

void RelayLoop::run() {
  std::vector<epoll_event> events(512);
  while (!stopping_.load()) {
    int timeout = entries_.empty() ? -1 : static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(kIdleSweepInterval).count());
    int n = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), timeout);
    if (n < 0 && errno != EINTR) break;  // cannot happen with a valid epoll; stopping below ends every tunnel
    for (int i = 0; i < n; ++i) {
      const std::uint64_t tag = events[static_cast<std::size_t>(i)].data.u64;
      if (tag == kRelayWakeTag) {
        std::uint64_t count;
        [[maybe_unused]] auto r = ::read(wake_.get(), &count, sizeof count);
        admitPending();
        continue;
      }
      auto it = entries_.find(tag >> 1);
      if (it == entries_.end()) continue;  // ended earlier in this batch
      const RelaySide& side = (tag & 1) ? it->second.tunnel.upstream : it->second.tunnel.client;
      if (side.eventfd) {
        std::uint64_t count;
        [[maybe_unused]] auto r = ::read(side.fd, &count, sizeof count);
      }
      pump(it->first, it->second);
    }
    if (Clock::now() >= nextSweep_) sweepIdle();
  }
  {
    std::lock_guard lock(pendingMutex_);
    running_ = false;
  }
  admitPending();
  while (!entries_.empty()) finish(entries_.begin()->first, "proxy stopping");
}

void RelayLoop::admitPending() {
  std::vector<RelayTunnel> pending;
  {
    std::lock_guard lock(pendingMutex_);
    pending.swap(pending_);
  }
  for (auto& t : pending) {
    const std::uint64_t id = nextId_++;
    Entry& e = entries_[id];
    e.tunnel = std::move(t);
    e.lastActivity = Clock::now();
    bool registered = true;
    for (bool upstream : {false, true}) {
      const RelaySide& side = upstream ? e.tunnel.upstream : e.tunnel.client;
      epoll_event ev{};
      ev.events = side.eventfd ? EPOLLIN : (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET);
      ev.data.u64 = relayTag(id, upstream);
      if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, side.fd, &ev) != 0) registered = false;
    }
    if (!registered) {
      finish(id, std::string("relay epoll_ctl: ") + std::strerror(errno));
      continue;
    }
    if (stopping_.load()) continue;  // run() ends it
    pump(id, e);
  }
}

bool RelayLoop::pumpDirection(Conn& from, Conn& to, Direction& d, std::atomic<std::uint64_t>* counter) {
  bool moved = false;
  while (!d.done) {
    if (d.head == d.tail && !d.eof) {
      if (!d.buffer) d.buffer = std::make_unique<char[]>(kRelayLoopBufferBytes);
      d.head = d.tail = 0;
      std::optional<std::size_t> n = from.tryRead(d.buffer.get(), kRelayLoopBufferBytes);
      if (!n) break;
      if (*n == 0) d.eof = true;
      d.tail = *n;
    }
    if (d.head < d.tail) {
      const std::size_t n = to.tryWrite(d.buffer.get() + d.head, d.tail - d.head);
      if (n == 0) break;
      d.head += n;
      d.result.bytes += n;
      if (counter) counter->fetch_add(n, std::memory_order_relaxed);
      moved = true;
      continue;
    }
    if (d.eof) {
      to.closeWrite();
      d.done = true;
      d.result.clean = true;
    }
  }
  if (d.head == d.tail) d.buffer.reset();  // an idle tunnel holds no buffer
  return moved;
}

void RelayLoop::pump(std::uint64_t id, Entry& e) {
  RelayTunnel& t = e.tunnel;
  Direction* current = &e.up;
  try {
    bool moved = pumpDirection(*t.client.conn, *t.upstream.conn, e.up, t.bytesUp);
    current = &e.down;
    moved = pumpDirection(*t.upstream.conn, *t.client.conn, e.down, t.bytesDown) || moved;
    if (moved) e.lastActivity = Clock::now();
  } catch (const Error& err) {
    current->result.why = err.what();
    finish(id, err.what());
    return;
  }
  if (e.up.done && e.down.done) finish(id, "");
}

void RelayLoop::finish(std::uint64_t id, const std::string& failure) {
  auto node = entries_.extract(id);
  if (node.empty()) return;
  Entry& e = node.mapped();
  RelayTunnel& t = e.tunnel;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, t.client.fd, nullptr);
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, t.upstream.fd, nullptr);
  if (!failure.empty()) {
    abortQuietly(*t.client.conn);
    abortQuietly(*t.upstream.conn);
    for (Direction* d : {&e.up, &e.down}) {
      if (!d->done && d->result.why.empty()) d->result.why = failure;
    }
  }
  size_.fetch_sub(1);
  t.done(e.up.result, e.down.result);
}

void RelayLoop::sweepIdle() {
  const TimePoint now = Clock::now();
  nextSweep_ = now + kIdleSweepInterval;
  std::vector<std::pair<std::uint64_t, std::string>> idle;
  for (const auto& [id, e] : entries_) {
    if (e.tunnel.idle.count() > 0 && now - e.lastActivity >= e.tunnel.idle)
      idle.emplace_back(id, "idle for " + std::to_string(e.tunnel.idle.count() / 1000) + " s");
  }
  for (const auto& [id, why] : idle) finish(id, why);
}

}  // namespace rtk::plugins::socks
