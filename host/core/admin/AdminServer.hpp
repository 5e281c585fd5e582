// AdminServer — the admin socket: a listener and its clients
// (yggdrasil admin/admin.go), speaking AdminDispatcher's protocol.
//
// Threads: "rtk-admin" accepts; each client is served on its own thread
// "rtk-admin-<n>", so a handler that waits (getNodeInfo waits up to 6 s for
// the remote node) or a client that stalls never holds up anybody else.
// Limits keep hostile or broken clients in check:
//   - a request (one JSON value) larger than maxRequestBytes is answered
//     with "Failed to find request: …" and the connection closed;
//   - a client that sends nothing for idleTimeout, or does not read its
//     reply within writeTimeout, is disconnected;
//   - at most maxClients connections are served; when full, the longest-idle
//     client not inside a handler is disconnected to make room (a new
//     connection is refused only when every client is busy in a handler).
//
// Lifecycle: start() and stop() may alternate; stop() closes the listener,
// disconnects every client at once (their sockets are shut down) and joins
// all threads — a client inside a handler is joined when that handler
// returns. The Unix socket file is removed on stop.
//
// Thread-safety: every member may be called from any thread, except stop()
// and start() (and the destructor) from a handler running on this server.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/admin/AdminDispatcher.hpp"
#include "core/admin/AdminEndpoint.hpp"
#include "core/util/Thread.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::core::admin {

class AdminServer {
 public:
  struct Options {
    std::size_t maxRequestBytes = 1u << 20;
    std::chrono::milliseconds idleTimeout{60000};
    std::chrono::milliseconds writeTimeout{10000};
    std::size_t maxClients = 64;
  };

  explicit AdminServer(Log log);
  AdminServer(Log log, Options options);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  AdminDispatcher& dispatcher() { return dispatcher_; }
  // AdminInterface::addAdminHandler semantics; see AdminDispatcher::addHandler.
  void addHandler(std::string_view name, std::string_view description, std::vector<std::string> fields,
                  AdminDispatcher::Handler handler) {
    dispatcher_.addHandler(name, description, std::move(fields), std::move(handler));
  }
  // AdminInterface::removeAdminHandler semantics; see AdminDispatcher::removeHandler
  // (waits for the handler's calls on client threads, running or stopped).
  void removeHandler(std::string_view name) { dispatcher_.removeHandler(name); }

  // Listens on `address` (see AdminEndpoint) and starts serving.
  // Errc::AlreadyExists when running; Errc::InvalidArgument,
  // Errc::AddressInUse, Errc::Io from AdminEndpoint.
  void start(std::string_view address);
  // Idempotent.
  void stop();
  bool running() const;
  // The bound address ("tcp://127.0.0.1:43210" after asking for port 0);
  // empty when stopped.
  std::string boundAddress() const;
  // Connections currently being served.
  std::size_t clientCount() const;

 private:
  struct Client;
  void acceptLoop(int listenFd, int stopFd);
  void admit(int fd, int stopFd);
  void serve(const std::shared_ptr<Client>& client, int stopFd);
  void reapLocked();

  Log log_;
  Options options_;
  AdminDispatcher dispatcher_;

  std::mutex lifecycle_;          // serializes start/stop; held while stop joins threads
  mutable std::mutex stateMutex_;  // running_ and bound_, for readers; never held for long
  bool running_ = false;
  std::string bound_;
  std::optional<AdminEndpoint> endpoint_;  // guarded by lifecycle_
  int listenFd_ = -1;
  int stopFd_ = -1;  // eventfd, readable once stop() begins
  std::unique_ptr<Thread> listener_;  // rtk-admin; one per start()

  mutable std::mutex clientsMutex_;
  std::list<std::shared_ptr<Client>> clients_;
  std::uint64_t clientSeq_ = 0;
};

}  // namespace rtk::core::admin
