// rtk::host::CallbackQueue — the thread on which the host calls one plugin
// back ("rtk-cb-<plugin>"), and the asynchronous replies it still owes it.
//
// Node threads (proto, links) must never run plugin code: they hand results
// to complete() / post(), which queue them for this plugin's callback
// thread. One callback runs at a time, in order. The thread starts on first
// use, so a plugin that never goes asynchronous costs no thread.
//
// Every reply expected with expect() is delivered exactly once: with its
// result (complete), or with RTK_ERR_CANCELLED when the queue closes first —
// so the plugin can always free what it attached to the reply.
//
// Lifetime: shared. Node-side callbacks hold a weak_ptr and find the queue
// gone (or closed) after the plugin's scope is torn down; nothing is called
// then. Thread-safety: every function from any thread; close() not from the
// callback thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/util/EventLoop.hpp"
#include "ratatoskr/abi.h"
#include "ratatoskr/error.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::host {

class CallbackQueue : public std::enable_shared_from_this<CallbackQueue> {
 public:
  // One expected reply as a node-side callback holds it: completing it after
  // the queue is gone or closed does nothing.
  class Reply {
   public:
    Reply(std::weak_ptr<CallbackQueue> queue, std::uint64_t id) : queue_(std::move(queue)), id_(id) {}
    void ok(std::string json, std::int64_t rttNs) const;
    void fail(const Error& error) const;

   private:
    std::weak_ptr<CallbackQueue> queue_;
    std::uint64_t id_;
  };

  // The common shape of every asynchronous call of a service table: expect a
  // reply, hand `start` its Reply (it starts the node's operation), and if
  // `start` throws, forget the reply and return the error as a status
  // (abi.h: a call that fails is never answered).
  rtk_status startReply(rtk_reply_fn fn, void* ctx, rtk_sink* error, const std::function<void(Reply)>& start);

  // threadName: at most 15 characters.
  static std::shared_ptr<CallbackQueue> create(std::string threadName, Log log);
  ~CallbackQueue();
  CallbackQueue(const CallbackQueue&) = delete;
  CallbackQueue& operator=(const CallbackQueue&) = delete;

  // A reply the plugin now waits for; deliver it with complete(id, ...).
  // Errc::Closed after close().
  std::uint64_t expect(rtk_reply_fn fn, void* ctx);
  // The result of reply `id`; ignored when it is not pending (already
  // delivered, forgotten or cancelled).
  void complete(std::uint64_t id, rtk_status status, std::string json, std::int64_t rttNs, std::string error);
  // A reply that will never be delivered (the call that would have produced
  // it failed synchronously): dropped without calling it.
  void forget(std::uint64_t id) noexcept;

  // Runs fn on the callback thread; false (fn dropped) after close().
  bool post(std::function<void()> fn);
  // Returns once everything posted before it has run; at once on the
  // callback thread itself or when the thread never started.
  void barrier();
  bool onCallbackThread() const;

  // Delivers every pending reply as RTK_ERR_CANCELLED, runs what is queued,
  // refuses new work and joins the thread. Idempotent.
  void close();
  std::size_t pending() const;

 private:
  CallbackQueue(std::string threadName, Log log);
  core::EventLoop* loop();  // started on first use; null after close()

  struct Pending {
    rtk_reply_fn fn;
    void* ctx;
  };

  std::string threadName_;
  Log log_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, Pending> pending_;
  std::uint64_t nextId_ = 1;
  bool closed_ = false;
  std::unique_ptr<core::EventLoop> loop_;
};

}  // namespace rtk::host
