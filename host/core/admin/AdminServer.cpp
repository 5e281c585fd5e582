#include "core/admin/AdminServer.hpp"

#include <unistd.h>

#include "ratatoskr/error.hpp"

namespace rtk::core::admin {

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

std::size_t AdminServer::clientCount() const { return counters_.clients.load(); }

std::size_t AdminServer::queuedRequests() const { return counters_.queued.load(); }

void AdminServer::start(std::string_view address) {
  std::lock_guard lock(lifecycle_);
  if (running()) throw Error(Errc::AlreadyExists, "admin: already listening on " + boundAddress());
  AdminEndpoint endpoint = AdminEndpoint::parse(address);
  int listenFd = endpoint.listen(log_);
  try {
    loop_ = std::make_unique<AdminClientLoop>(log_, options_, dispatcher_, listenFd, counters_);
  } catch (...) {
    ::close(listenFd);
    endpoint.cleanup();
    throw;
  }
  endpoint_ = std::move(endpoint);
  listenFd_ = listenFd;
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
  loop_.reset();  // disconnects every client, joins the loop and the handler workers
  ::close(listenFd_);
  listenFd_ = -1;
  endpoint_->cleanup();
  log_.info("admin socket ", endpoint_->boundAddress(), " closed");
}

}  // namespace rtk::core::admin
