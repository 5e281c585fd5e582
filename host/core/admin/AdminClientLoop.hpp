// AdminClientLoop — AdminServer's I/O: one epoll loop thread "rtk-admin"
// that accepts on the listener and reads and writes every client's
// non-blocking socket, and an AdminHandlerPool that runs the requests.
// One per AdminServer::start(); the limits and behaviour it implements are
// described in AdminServer.hpp.
//
// Each client is a small state machine owned by the loop thread:
//   Reading  — EPOLLIN; idle deadline = last activity + idleTimeout
//   Waiting  — its request is queued for, or running on, a worker; no
//              epoll interest, no deadline (not evictable)
//   Writing  — EPOLLOUT until the reply is written; deadline writeTimeout
// A request is taken from the client's RequestFramer only in Reading, so at
// most one is in flight per client and its buffered bytes stay bounded.
//
// Thread-safety: construct and stop() from the owner (AdminServer, under its
// lifecycle lock); Counters may be read from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/admin/AdminDispatcher.hpp"
#include "core/util/Thread.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::core::admin {

// AdminServer::Options (see AdminServer.hpp for what each limit does).
struct AdminServerOptions {
  std::size_t maxRequestBytes = 1u << 20;
  std::chrono::milliseconds idleTimeout{60000};
  std::chrono::milliseconds writeTimeout{10000};
  std::size_t maxClients = 64;
  std::size_t handlerThreads = 4;      // rtk-admin-w-<n>, started on demand
  std::size_t maxQueuedRequests = 32;  // waiting for a worker; more are answered "busy"
};

class AdminClientLoop {
 public:
  struct Counters {
    std::atomic<std::size_t> clients{0};  // connections being served
    std::atomic<std::size_t> queued{0};   // requests waiting for a worker
  };

  // Takes `listenFd` (closed by stop()). Starts the loop thread; throws
  // rtk::Error(Io) when an eventfd, the epoll set or the thread cannot be
  // made (then listenFd is left to the caller).
  AdminClientLoop(Log log, AdminServerOptions options, const AdminDispatcher& dispatcher, int listenFd, Counters& counters);
  ~AdminClientLoop();  // stop()
  AdminClientLoop(const AdminClientLoop&) = delete;
  AdminClientLoop& operator=(const AdminClientLoop&) = delete;

  // Closes the listener and every client socket at once, drops queued
  // requests, waits for running handlers and joins all threads. Idempotent.
  void stop();

 private:
  class State;
  std::unique_ptr<State> state_;  // the loop's data, touched only by its thread until stop() joined it
  Thread thread_;
  bool stopped_ = false;
};

}  // namespace rtk::core::admin
