// AdminServer — the admin socket: a listener and its clients
// (yggdrasil admin/admin.go), speaking AdminDispatcher's protocol.
//
// Threads, independent of the number of clients: "rtk-admin", an epoll loop
// that accepts and does every client's socket I/O (non-blocking sockets,
// requests framed by RequestFramer, replies written as the socket takes
// them), and at most handlerThreads workers "rtk-admin-w-<n>"
// (AdminHandlerPool, started on demand) that run the handlers, which may
// block (getNodeInfo waits up to 6 s for the remote node). A client has one
// request in flight at a time: the next one in its stream is read after the
// reply to the previous one has been written, so replies keep request order.
// A request that finds every worker busy waits in a FIFO of at most
// maxQueuedRequests; when that is full it is answered at once with
// "admin server busy: …" (keepalive honoured). Neither a blocked handler nor
// a stalled client holds up anybody else's I/O.
// Limits keep hostile or broken clients in check:
//   - a request (one JSON value) larger than maxRequestBytes is answered
//     with "Failed to find request: …" and the connection closed;
//   - a client that sends nothing for idleTimeout, or does not read its
//     reply within writeTimeout, is disconnected;
//   - at most maxClients connections are served; when full, the longest-idle
//     client not waiting for a reply (queued or inside a handler) is
//     disconnected to make room; a new connection is refused only when every
//     client waits for a reply.
//
// Lifecycle: start() and stop() may alternate; stop() closes the listener,
// disconnects every client at once (their sockets are shut down), drops the
// queued requests and joins all threads — a worker inside a handler is
// joined when that handler returns. The Unix socket file is removed on stop.
//
// Thread-safety: every member may be called from any thread, except stop()
// and start() (and the destructor) from a handler running on this server.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/admin/AdminClientLoop.hpp"
#include "core/admin/AdminDispatcher.hpp"
#include "core/admin/AdminEndpoint.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::core::admin {

class AdminServer {
 public:
  using Options = AdminServerOptions;  // limits and pool sizes, in AdminClientLoop.hpp

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
  // (waits for the handler's calls on the worker threads, running or stopped).
  void removeHandler(std::string_view name) { dispatcher_.removeHandler(name); }

  // Listens on `address` (see AdminEndpoint) and starts serving.
  // Errc::AlreadyExists when running; Errc::InvalidArgument,
  // Errc::AddressInUse, Errc::Io from AdminEndpoint; Errc::Io when the
  // loop's eventfd, epoll set or thread cannot be made.
  void start(std::string_view address);
  // Idempotent.
  void stop();
  bool running() const;
  // The bound address ("tcp://127.0.0.1:43210" after asking for port 0);
  // empty when stopped.
  std::string boundAddress() const;
  // Connections currently being served.
  std::size_t clientCount() const;
  // Requests waiting for a handler worker (not yet running).
  std::size_t queuedRequests() const;

 private:
  Log log_;
  Options options_;
  AdminDispatcher dispatcher_;

  std::mutex lifecycle_;          // serializes start/stop; held while stop joins threads
  mutable std::mutex stateMutex_;  // running_ and bound_, for readers; never held for long
  bool running_ = false;
  std::string bound_;
  std::optional<AdminEndpoint> endpoint_;  // guarded by lifecycle_
  int listenFd_ = -1;                      // guarded by lifecycle_
  AdminClientLoop::Counters counters_;     // written by the loop, read by clientCount()/queuedRequests()
  std::unique_ptr<AdminClientLoop> loop_;  // guarded by lifecycle_; one per start()
};

}  // namespace rtk::core::admin
