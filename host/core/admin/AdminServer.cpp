#include "core/admin/AdminServer.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "core/admin/RequestFramer.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::admin {

using SteadyClock = std::chrono::steady_clock;

struct AdminServer::Client {
  int fd = -1;              // guarded by clientsMutex_; -1 once closed
  Thread thread;
  std::atomic<bool> done{false};
  std::atomic<bool> busy{false};     // inside a handler
  std::atomic<bool> evicted{false};  // shut down to make room
  std::atomic<SteadyClock::rep> lastActivity{0};
  void touch() { lastActivity.store(SteadyClock::now().time_since_epoch().count()); }
};

namespace {

int remainingMs(SteadyClock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

// Writes everything, waiting for the socket at most `timeout` in total.
// False when the client went away, did not read in time, or stop began.
bool writeAll(int fd, std::string_view data, std::chrono::milliseconds timeout, int stopFd) {
  const auto deadline = SteadyClock::now() + timeout;
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return false;
    pollfd p[2] = {{fd, POLLOUT, 0}, {stopFd, POLLIN, 0}};
    int left = remainingMs(deadline);
    if (left == 0) return false;
    int rc = ::poll(p, 2, left);
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0 || (p[1].revents & POLLIN) || (p[0].revents & (POLLERR | POLLHUP | POLLNVAL))) return false;
  }
  return true;
}

}  // namespace

AdminServer::AdminServer(Log log) : AdminServer(std::move(log), Options{}) {}

AdminServer::AdminServer(Log log, Options options)
    : log_(std::move(log)), options_(options), dispatcher_(log_) {}

AdminServer::~AdminServer() { stop(); }

bool AdminServer::running() const {
  std::lock_guard lock(stateMutex_);
  return running_;
}

std::string AdminServer::boundAddress() const {
  std::lock_guard lock(stateMutex_);
  return running_ ? bound_ : std::string();
}

std::size_t AdminServer::clientCount() const {
  std::lock_guard lock(clientsMutex_);
  std::size_t n = 0;
  for (const auto& c : clients_)
    if (!c->done.load()) ++n;
  return n;
}

void AdminServer::start(std::string_view address) {
  std::lock_guard lock(lifecycle_);
  if (running()) throw Error(Errc::AlreadyExists, "admin: already listening on " + boundAddress());
  AdminEndpoint endpoint = AdminEndpoint::parse(address);
  int stopFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stopFd < 0) throw Error(Errc::Io, std::string("admin: eventfd: ") + std::strerror(errno));
  int listenFd = -1;
  try {
    listenFd = endpoint.listen(log_);
  } catch (...) {
    ::close(stopFd);
    throw;
  }
  try {
    listener_ = std::make_unique<Thread>("rtk-admin", [this, listenFd, stopFd] { acceptLoop(listenFd, stopFd); });
  } catch (const Error& e) {
    ::close(listenFd);
    ::close(stopFd);
    endpoint.cleanup();
    throw Error(Errc::Io, std::string("admin: cannot start the listener thread: ") + e.what());
  }
  endpoint_ = std::move(endpoint);
  listenFd_ = listenFd;
  stopFd_ = stopFd;
  std::lock_guard state(stateMutex_);
  bound_ = endpoint_->boundAddress();
  running_ = true;
}

void AdminServer::stop() {
  std::lock_guard lock(lifecycle_);
  {
    std::lock_guard state(stateMutex_);
    if (!running_) return;
    running_ = false;
  }
  std::uint64_t one = 1;
  if (::write(stopFd_, &one, sizeof one) < 0) log_.warn("stop: eventfd write: ", std::strerror(errno));
  listener_.reset();  // joins

  std::list<std::shared_ptr<Client>> clients;
  {
    std::lock_guard cl(clientsMutex_);
    for (auto& c : clients_)
      if (c->fd >= 0) ::shutdown(c->fd, SHUT_RDWR);
    clients.swap(clients_);
  }
  for (auto& c : clients) c->thread.join();

  ::close(listenFd_);
  ::close(stopFd_);
  listenFd_ = stopFd_ = -1;
  endpoint_->cleanup();
  log_.info("admin socket ", endpoint_->boundAddress(), " closed");
}

void AdminServer::reapLocked() {
  for (auto it = clients_.begin(); it != clients_.end();) {
    if ((*it)->done.load()) {
      (*it)->thread.join();
      it = clients_.erase(it);
    } else {
      ++it;
    }
  }
}

void AdminServer::acceptLoop(int listenFd, int stopFd) {
  for (;;) {
    pollfd p[2] = {{listenFd, POLLIN, 0}, {stopFd, POLLIN, 0}};
    int rc = ::poll(p, 2, -1);
    if (rc < 0) {
      if (errno == EINTR) continue;
      log_.error("accept loop: poll: ", std::strerror(errno));
      return;
    }
    if (p[1].revents & POLLIN) return;
    if (!(p[0].revents & POLLIN)) continue;
    int fd = ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED) continue;
      log_.warn("accept: ", std::strerror(errno));
      if (errno == EMFILE || errno == ENFILE) {
        // Out of descriptors: back off instead of spinning on a readable listener.
        pollfd s{stopFd, POLLIN, 0};
        ::poll(&s, 1, 100);
      }
      continue;
    }
    admit(fd, stopFd);
  }
}

void AdminServer::admit(int fd, int stopFd) {
  std::lock_guard lock(clientsMutex_);
  reapLocked();
  std::size_t active = 0;
  std::shared_ptr<Client> idlest;
  for (auto& c : clients_) {
    if (c->done.load() || c->evicted.load()) continue;
    ++active;
    if (!c->busy.load() && (!idlest || c->lastActivity.load() < idlest->lastActivity.load())) idlest = c;
  }
  if (active >= options_.maxClients) {
    if (!idlest) {
      log_.warn("refusing a connection: all ", active, " clients are busy");
      ::close(fd);
      return;
    }
    log_.debug("disconnecting the longest-idle client to make room");
    idlest->evicted.store(true);
    if (idlest->fd >= 0) ::shutdown(idlest->fd, SHUT_RDWR);
  }
  auto client = std::make_shared<Client>();
  client->fd = fd;
  client->touch();
  std::string name = "rtk-admin-" + std::to_string(++clientSeq_ % 100000);
  try {
    client->thread.start(name, [this, client, stopFd] {
      try {
        serve(client, stopFd);
      } catch (const std::exception& e) {
        log_.warn("client: ", e.what());
      }
      std::lock_guard l(clientsMutex_);
      ::close(client->fd);
      client->fd = -1;
      client->done.store(true);
    });
  } catch (const Error& e) {
    log_.warn("cannot start a client thread: ", e.what());
    ::close(fd);
    return;
  }
  clients_.push_back(std::move(client));
}

void AdminServer::serve(const std::shared_ptr<Client>& client, int stopFd) {
  const int fd = client->fd;  // stays open until this thread closes it
  RequestFramer framer(options_.maxRequestBytes);
  std::string request;
  bool eof = false;
  char chunk[16384];

  auto respond = [&](const std::string& text) { return writeAll(fd, text, options_.writeTimeout, stopFd); };
  // Answers one request; false when the connection is to be closed.
  auto process = [&](std::string_view value) {
    client->busy.store(true);
    AdminDispatcher::Reply reply = dispatcher_.handle(value);
    client->busy.store(false);
    client->touch();
    return respond(reply.text) && reply.keepAlive;
  };

  for (;;) {
    // Answer every complete request already buffered.
    RequestFramer::Status status;
    while ((status = framer.next(request)) == RequestFramer::Status::Request)
      if (!process(request)) return;
    if (status == RequestFramer::Status::Invalid) {
      respond(AdminDispatcher::failedToFindRequest());
      return;
    }
    if (status == RequestFramer::Status::TooLarge) {
      log_.debug("closing a client: request larger than ", options_.maxRequestBytes, " bytes");
      respond(AdminDispatcher::failedToFindRequest("request larger than " + std::to_string(options_.maxRequestBytes) +
                                                   " bytes"));
      return;
    }
    if (eof) {
      // As Go's decoder at end of input: a pending top-level number is
      // complete; then (or with nothing pending) "Failed to find request".
      if (framer.finish(request) == RequestFramer::Status::Request && !process(request)) return;
      respond(AdminDispatcher::failedToFindRequest());
      return;
    }

    pollfd p[2] = {{fd, POLLIN, 0}, {stopFd, POLLIN, 0}};
    int rc = ::poll(p, 2, static_cast<int>(options_.idleTimeout.count()));
    if (rc < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (rc == 0) {
      log_.debug("closing a client idle for ", options_.idleTimeout.count(), " ms");
      return;
    }
    if (p[1].revents & POLLIN) return;
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return;
    }
    if (n == 0) {
      eof = true;
      continue;
    }
    client->touch();
    framer.append(std::string_view(chunk, static_cast<std::size_t>(n)));
  }
}

}  // namespace rtk::core::admin
