#include "core/admin/AdminClientLoop.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/admin/AdminHandlerPool.hpp"
#include "core/admin/RequestFramer.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::admin {

namespace {

using LoopClock = std::chrono::steady_clock;

constexpr std::uint64_t kListenerTag = 0;  // epoll data of the listener
constexpr std::uint64_t kWakeTag = 1;      // of the eventfd; clients count from 2
constexpr int kMaxEventsPerWait = 64;
constexpr int kAcceptsPerWake = 64;         // then the other sockets get their turn
constexpr std::size_t kReadChunk = 16384;
constexpr auto kAcceptBackoff = std::chrono::milliseconds(100);  // out of descriptors

// Closes the descriptor it holds when it goes out of scope.
struct AdminLoopFd {
  int fd = -1;
  explicit AdminLoopFd(int f) : fd(f) {}
  AdminLoopFd(const AdminLoopFd&) = delete;
  AdminLoopFd& operator=(const AdminLoopFd&) = delete;
  ~AdminLoopFd() {
    if (fd >= 0) ::close(fd);
  }
};

int checkedFd(int fd, const char* what) {
  if (fd < 0) throw Error(Errc::Io, std::string("admin: ") + what + ": " + std::strerror(errno));
  return fd;
}

}  // namespace

class AdminClientLoop::State {
 public:
  State(Log log, AdminServerOptions options, const AdminDispatcher& dispatcher, int listenFd, Counters& counters)
      : log_(std::move(log)),
        options_(options),
        counters_(counters),
        listenFd_(listenFd),
        epoll_(checkedFd(::epoll_create1(EPOLL_CLOEXEC), "epoll_create1")),
        wake_(checkedFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), "eventfd")),
        pool_(dispatcher, options.handlerThreads, wake_.fd, log_) {
    watch(listenFd_, kListenerTag, EPOLLIN, "the listener");
    watch(wake_.fd, kWakeTag, EPOLLIN, "the eventfd");
  }

  void run();
  // Any thread: the loop disconnects everyone and returns.
  void requestStop() {
    stopRequested_.store(true);
    wakeLoop();
  }
  // After run() returned: drops what is queued, waits for running handlers.
  void stopWorkers() { pool_.stop(); }

 private:
  enum class Phase { Reading, Waiting, Writing };
  struct Client {
    Client(std::uint64_t i, int f, std::size_t maxRequestBytes) : id(i), fd(f), framer(maxRequestBytes) {}
    std::uint64_t id;
    int fd;  // -1 once the peer hung up while its request was waiting
    RequestFramer framer;
    Phase phase = Phase::Reading;
    std::uint32_t events = EPOLLIN;
    bool eof = false;       // the peer will send nothing more
    bool finished = false;  // framer.finish() was called after eof
    bool closeAfterWrite = false;
    std::string out;
    std::size_t outOffset = 0;
    LoopClock::time_point lastActivity;
    LoopClock::time_point writeDeadline;
  };
  struct Queued {
    std::uint64_t client;
    std::string request;
  };

  void watch(int fd, std::uint64_t tag, std::uint32_t events, const char* what);
  void wakeLoop();
  void acceptSome();
  void admit(int fd);
  void onClientEvent(Client& c, std::uint32_t events);
  void onReadable(Client& c);
  void serveNext(Client& c);
  bool submit(Client& c, std::string request);
  bool respond(Client& c, std::string text, bool keepOpen);
  bool writeOut(Client& c);
  void onWake();
  void dispatchQueued();
  void setEvents(Client& c, std::uint32_t events);
  void closeClient(std::uint64_t id);
  void noteDeadline(LoopClock::time_point t) { nextCheck_ = std::min(nextCheck_, t); }
  void expireDeadlines();
  int waitMs() const;
  void disconnectAll();

  Log log_;
  const AdminServerOptions options_;
  Counters& counters_;
  const int listenFd_;  // owned by AdminServer
  AdminLoopFd epoll_;
  AdminLoopFd wake_;      // eventfd: finished requests, stop
  AdminHandlerPool pool_;  // declared after wake_: stopped before it closes
  std::atomic<bool> stopRequested_{false};

  // Loop thread only.
  std::unordered_map<std::uint64_t, std::unique_ptr<Client>> clients_;
  std::deque<Queued> queue_;  // waiting for a worker, oldest first
  std::vector<AdminHandlerPool::Finished> finished_;
  std::uint64_t nextId_ = kWakeTag + 1;
  LoopClock::time_point nextCheck_ = LoopClock::time_point::max();  // earliest deadline, or later
  LoopClock::time_point acceptPausedUntil_{};
  bool acceptPaused_ = false;
};

void AdminClientLoop::State::watch(int fd, std::uint64_t tag, std::uint32_t events, const char* what) {
  epoll_event e{};
  e.events = events;
  e.data.u64 = tag;
  if (::epoll_ctl(epoll_.fd, EPOLL_CTL_ADD, fd, &e) != 0)
    throw Error(Errc::Io, std::string("admin: epoll_ctl for ") + what + ": " + std::strerror(errno));
}

void AdminClientLoop::State::wakeLoop() {
  std::uint64_t one = 1;
  if (::write(wake_.fd, &one, sizeof one) < 0 && errno != EAGAIN) log_.warn("eventfd write: ", std::strerror(errno));
}

void AdminClientLoop::State::run() {
  epoll_event events[kMaxEventsPerWait];
  while (!stopRequested_.load()) {
    int n = ::epoll_wait(epoll_.fd, events, kMaxEventsPerWait, waitMs());
    if (n < 0) {
      if (errno == EINTR) continue;
      log_.error("client loop: epoll_wait: ", std::strerror(errno));
      break;
    }
    for (int i = 0; i < n && !stopRequested_.load(); ++i) {
      const std::uint64_t tag = events[i].data.u64;
      if (tag == kWakeTag) {
        onWake();
      } else if (tag == kListenerTag) {
        acceptSome();
      } else if (auto it = clients_.find(tag); it != clients_.end()) {
        onClientEvent(*it->second, events[i].events);
      }
    }
    expireDeadlines();
  }
  disconnectAll();
}

void AdminClientLoop::State::acceptSome() {
  for (int i = 0; i < kAcceptsPerWake; ++i) {
    int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd >= 0) {
      admit(fd);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    log_.warn("accept: ", std::strerror(errno));
    if (errno == EMFILE || errno == ENFILE) {
      // Out of descriptors: stop watching the listener for a moment instead
      // of spinning on it while it stays readable.
      epoll_event e{};
      e.data.u64 = kListenerTag;
      ::epoll_ctl(epoll_.fd, EPOLL_CTL_MOD, listenFd_, &e);
      acceptPaused_ = true;
      acceptPausedUntil_ = LoopClock::now() + kAcceptBackoff;
      noteDeadline(acceptPausedUntil_);
    }
    return;
  }
}

void AdminClientLoop::State::admit(int fd) {
  if (clients_.size() >= options_.maxClients) {
    Client* idlest = nullptr;
    for (auto& [id, c] : clients_)
      if (c->phase != Phase::Waiting && (!idlest || c->lastActivity < idlest->lastActivity)) idlest = c.get();
    if (!idlest) {
      log_.warn("refusing a connection: all ", clients_.size(), " clients wait for a reply");
      ::close(fd);
      return;
    }
    log_.debug("disconnecting the longest-idle client to make room");
    closeClient(idlest->id);
  }
  auto client = std::make_unique<Client>(nextId_++, fd, options_.maxRequestBytes);
  client->lastActivity = LoopClock::now();
  epoll_event e{};
  e.events = client->events;
  e.data.u64 = client->id;
  if (::epoll_ctl(epoll_.fd, EPOLL_CTL_ADD, fd, &e) != 0) {
    log_.warn("cannot watch a new client: ", std::strerror(errno));
    ::close(fd);
    return;
  }
  noteDeadline(client->lastActivity + options_.idleTimeout);
  clients_.emplace(client->id, std::move(client));
  counters_.clients.store(clients_.size());
}

void AdminClientLoop::State::onClientEvent(Client& c, std::uint32_t events) {
  const bool failed = events & (EPOLLHUP | EPOLLERR);
  switch (c.phase) {
    case Phase::Reading:
      if ((events & EPOLLIN) || failed) onReadable(c);  // recv reports the end or the error
      break;
    case Phase::Writing:
      if ((events & EPOLLOUT) || failed) {
        if (writeOut(c)) serveNext(c);
      }
      break;
    case Phase::Waiting:
      if (failed && c.fd >= 0) {
        // Hung up while its request waits: the reply will have nowhere to
        // go, but the request still runs (as a one-way "addPeer" expects).
        ::close(c.fd);
        c.fd = -1;
      }
      break;
  }
}

void AdminClientLoop::State::onReadable(Client& c) {
  char chunk[kReadChunk];
  ssize_t n = ::recv(c.fd, chunk, sizeof chunk, 0);
  if (n < 0) {
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) return;
    closeClient(c.id);
    return;
  }
  if (n == 0) {
    c.eof = true;
  } else {
    c.lastActivity = LoopClock::now();
    c.framer.append(std::string_view(chunk, static_cast<std::size_t>(n)));
  }
  serveNext(c);
}

// In Reading with nothing left to write: answers what is buffered, one
// request at a time, until a request goes to a worker, a reply waits for the
// socket, the connection closes, or more bytes are needed.
void AdminClientLoop::State::serveNext(Client& c) {
  for (;;) {
    std::string request;
    switch (c.framer.next(request)) {
      case RequestFramer::Status::Request:
        if (submit(c, std::move(request))) continue;
        return;
      case RequestFramer::Status::Invalid:
        respond(c, AdminDispatcher::failedToFindRequest(), false);
        return;
      case RequestFramer::Status::TooLarge:
        log_.debug("closing a client: request larger than ", options_.maxRequestBytes, " bytes");
        respond(c,
                AdminDispatcher::failedToFindRequest("request larger than " +
                                                     std::to_string(options_.maxRequestBytes) + " bytes"),
                false);
        return;
      case RequestFramer::Status::NeedMore:
        break;
    }
    if (c.eof) {
      // As Go's decoder at end of input: a pending top-level number is
      // complete; then (or with nothing pending) "Failed to find request".
      if (!c.finished) {
        c.finished = true;
        if (c.framer.finish(request) == RequestFramer::Status::Request) {
          if (submit(c, std::move(request))) continue;
          return;
        }
      }
      respond(c, AdminDispatcher::failedToFindRequest(), false);
      return;
    }
    c.phase = Phase::Reading;
    setEvents(c, EPOLLIN);
    noteDeadline(c.lastActivity + options_.idleTimeout);
    return;
  }
}

// Hands the request to a worker or queues it. True only when it was
// answered at once (busy) and the connection goes on reading.
bool AdminClientLoop::State::submit(Client& c, std::string request) {
  c.phase = Phase::Waiting;
  setEvents(c, 0);
  if (queue_.empty()) {
    switch (pool_.submit(c.id, request)) {
      case AdminHandlerPool::Submit::Taken:
        return false;
      case AdminHandlerPool::Submit::Failed: {
        AdminDispatcher::Reply r = AdminDispatcher::refuse(request, "admin server cannot run a handler now; try again");
        return respond(c, std::move(r.text), r.keepAlive);
      }
      case AdminHandlerPool::Submit::AllBusy:
        break;
    }
  }
  if (queue_.size() >= options_.maxQueuedRequests) {
    log_.debug("answering busy: ", queue_.size(), " requests wait for a handler");
    AdminDispatcher::Reply r = AdminDispatcher::refuse(
        request, "admin server busy: every handler worker is in use and the queue is full (" +
                     std::to_string(queue_.size()) +
                     " waiting); try again later");
    return respond(c, std::move(r.text), r.keepAlive);
  }
  queue_.push_back({c.id, std::move(request)});
  counters_.queued.store(queue_.size());
  return false;
}

// Starts writing a reply. True when it was all written and the connection
// goes on reading; false when it waits for the socket or was closed.
bool AdminClientLoop::State::respond(Client& c, std::string text, bool keepOpen) {
  c.out = std::move(text);
  c.outOffset = 0;
  c.closeAfterWrite = !keepOpen;
  c.phase = Phase::Writing;
  c.writeDeadline = LoopClock::now() + options_.writeTimeout;
  return writeOut(c);
}

bool AdminClientLoop::State::writeOut(Client& c) {
  while (c.outOffset < c.out.size()) {
    ssize_t n = ::send(c.fd, c.out.data() + c.outOffset, c.out.size() - c.outOffset, MSG_NOSIGNAL);
    if (n > 0) {
      c.outOffset += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      setEvents(c, EPOLLOUT);
      noteDeadline(c.writeDeadline);
      return false;
    }
    closeClient(c.id);
    return false;
  }
  std::string().swap(c.out);  // an idle client keeps no reply buffer
  c.outOffset = 0;
  if (c.closeAfterWrite) {
    closeClient(c.id);
    return false;
  }
  c.phase = Phase::Reading;
  c.lastActivity = LoopClock::now();
  return true;
}

void AdminClientLoop::State::onWake() {
  std::uint64_t count;
  if (::read(wake_.fd, &count, sizeof count) < 0 && errno != EAGAIN)
    log_.warn("eventfd read: ", std::strerror(errno));
  pool_.takeFinished(finished_);
  dispatchQueued();  // the freed workers take the oldest waiting requests first
  for (auto& f : finished_) {
    auto it = clients_.find(f.client);
    if (it == clients_.end()) continue;
    Client& c = *it->second;
    if (c.fd < 0) {
      closeClient(c.id);
      continue;
    }
    c.lastActivity = LoopClock::now();
    if (respond(c, std::move(f.reply.text), f.reply.keepAlive)) serveNext(c);
  }
  finished_.clear();
  dispatchQueued();
}

void AdminClientLoop::State::dispatchQueued() {
  while (!queue_.empty()) {
    Queued& next = queue_.front();
    AdminHandlerPool::Submit result = pool_.submit(next.client, next.request);
    if (result == AdminHandlerPool::Submit::AllBusy) break;
    Queued taken = std::move(next);
    queue_.pop_front();
    if (result == AdminHandlerPool::Submit::Taken) continue;
    auto it = clients_.find(taken.client);  // Failed: no worker could be started
    if (it == clients_.end()) continue;
    Client& c = *it->second;
    if (c.fd < 0) {
      closeClient(c.id);
      continue;
    }
    AdminDispatcher::Reply r = AdminDispatcher::refuse(taken.request, "admin server cannot run a handler now; try again");
    if (respond(c, std::move(r.text), r.keepAlive)) serveNext(c);
  }
  counters_.queued.store(queue_.size());
}

void AdminClientLoop::State::setEvents(Client& c, std::uint32_t events) {
  if (c.fd < 0 || c.events == events) return;
  epoll_event e{};
  e.events = events;
  e.data.u64 = c.id;
  if (::epoll_ctl(epoll_.fd, EPOLL_CTL_MOD, c.fd, &e) != 0) log_.warn("epoll_ctl: ", std::strerror(errno));
  c.events = events;
}

void AdminClientLoop::State::closeClient(std::uint64_t id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  if (it->second->fd >= 0) ::close(it->second->fd);  // also leaves the epoll set
  clients_.erase(it);
  counters_.clients.store(clients_.size());
}

void AdminClientLoop::State::expireDeadlines() {
  const auto now = LoopClock::now();
  if (now < nextCheck_) return;
  nextCheck_ = LoopClock::time_point::max();
  if (acceptPaused_) {
    if (now >= acceptPausedUntil_) {
      epoll_event e{};
      e.events = EPOLLIN;
      e.data.u64 = kListenerTag;
      ::epoll_ctl(epoll_.fd, EPOLL_CTL_MOD, listenFd_, &e);
      acceptPaused_ = false;
    } else {
      noteDeadline(acceptPausedUntil_);
    }
  }
  std::vector<std::uint64_t> expired;
  for (auto& [id, c] : clients_) {
    if (c->phase == Phase::Waiting) continue;
    const auto deadline = c->phase == Phase::Reading ? c->lastActivity + options_.idleTimeout : c->writeDeadline;
    if (deadline <= now)
      expired.push_back(id);
    else
      noteDeadline(deadline);
  }
  for (std::uint64_t id : expired) {
    log_.debug(clients_[id]->phase == Phase::Reading ? "closing a client idle for " : "closing a client not reading its reply for ",
               (clients_[id]->phase == Phase::Reading ? options_.idleTimeout : options_.writeTimeout).count(), " ms");
    closeClient(id);
  }
}

int AdminClientLoop::State::waitMs() const {
  if (nextCheck_ == LoopClock::time_point::max()) return -1;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(nextCheck_ - LoopClock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

void AdminClientLoop::State::disconnectAll() {
  for (auto& [id, c] : clients_) {
    if (c->fd < 0) continue;
    ::shutdown(c->fd, SHUT_RDWR);
    ::close(c->fd);
  }
  clients_.clear();
  queue_.clear();
  counters_.clients.store(0);
  counters_.queued.store(0);
}

AdminClientLoop::AdminClientLoop(Log log, AdminServerOptions options, const AdminDispatcher& dispatcher, int listenFd,
                                 Counters& counters)
    : state_(std::make_unique<State>(std::move(log), options, dispatcher, listenFd, counters)) {
  State* state = state_.get();
  try {
    thread_.start("rtk-admin", [state] { state->run(); });
  } catch (const Error& e) {
    throw Error(Errc::Io, std::string("admin: cannot start the client loop thread: ") + e.what());
  }
}

AdminClientLoop::~AdminClientLoop() { stop(); }

void AdminClientLoop::stop() {
  if (stopped_) return;
  stopped_ = true;
  state_->requestStop();
  thread_.join();
  state_->stopWorkers();
}

}  // namespace rtk::core::admin
