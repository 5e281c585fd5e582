// LwipStack — the process's one lwIP instance and its owner thread.
//
// lwIP keeps global state (pcb lists, netif list, timers) and has no
// de-initialisation, so there is exactly one stack per process. lwip_init()
// runs once per process; the owner thread "rtk-netstack" runs while at least
// one node is attached (acquireNode/releaseNode) and is joined when the last
// node leaves, after that node removed everything it had in lwIP. The next
// acquireNode starts a new thread over the same (empty) lwIP state.
//
// The thread runs, in a loop: received packets (in batches), posted tasks,
// lwIP's timers (sys_check_timeouts) and loopback delivery; then it sleeps on
// a condition variable until new work or the next lwIP timer is due.
//
// Thread-safety: post, call, deliver and the node functions may be called
// from any thread. call() must not be used from the stack thread (it runs
// inline there). Objects keep a shared_ptr to the stack so that posting to a
// stack whose thread has stopped is a harmless no-op.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "core/util/BoundedQueue.hpp"
#include "core/util/Bytes.hpp"
#include "core/util/Thread.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::netstack::detail {

class NodeStack;

class LwipStack {
 public:
  using Task = std::function<void()>;

  // The running stack, started if needed, with one more node counted.
  static std::shared_ptr<LwipStack> acquireNode(const Log& log);
  // One node fewer; when it was the last one, stops and joins the thread.
  // Not from the stack thread.
  void releaseNode();

  ~LwipStack();
  LwipStack(const LwipStack&) = delete;
  LwipStack& operator=(const LwipStack&) = delete;

  // Runs `task` on the stack thread; dropped when the thread has stopped.
  void post(Task task);
  // Runs f on the stack thread and returns its result; exceptions propagate.
  // Throws Errc::Closed when the thread has stopped.
  template <class F>
  auto call(F&& f) -> std::invoke_result_t<F&> {
    using R = std::invoke_result_t<F&>;
    if (inStackThread()) return f();
    CallState<R> state;
    if (!postIfRunning([&state, &f] { state.run(f); })) throw Error(Errc::Closed, "netstack: stack stopped");
    return state.wait();
  }
  // Queues a received packet for the node registered under `nodeId`
  // (drops it when the input queue is full or the stack has stopped).
  void deliver(std::uint64_t nodeId, core::OffsetBytes packet);

  // Stack thread only: the node map used to dispatch received packets.
  std::uint64_t addNode(NodeStack* node);
  void removeNode(std::uint64_t nodeId);

  bool inStackThread() const { return thread_.isCurrent(); }
  const Log& log() const { return log_; }

  // Packets dropped because the input queue was full.
  std::uint64_t inputDrops() const;

 private:
  // The hand-off of one call(): lives on the caller's stack; the stack
  // thread signals under the mutex and never touches it afterwards (every
  // posted task runs before the thread exits, so the caller always wakes).
  template <class R>
  struct CallState {
    std::mutex mutex;
    std::condition_variable done;
    bool finished = false;
    std::exception_ptr error;
    std::optional<std::conditional_t<std::is_void_v<R>, bool, R>> value;

    template <class F>
    void run(F& f) {
      try {
        if constexpr (std::is_void_v<R>) {
          f();
        } else {
          value.emplace(f());
        }
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard lock(mutex);
      finished = true;
      done.notify_one();
    }
    R wait() {
      std::unique_lock lock(mutex);
      done.wait(lock, [this] { return finished; });
      if (error) std::rethrow_exception(error);
      if constexpr (!std::is_void_v<R>) return std::move(*value);
    }
  };

  explicit LwipStack(Log log);
  bool postIfRunning(Task task);
  void run();
  bool loopbackPending() const;

  Log log_;
  core::Thread thread_;  // rtk-netstack

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Task> tasks_;
  static constexpr std::size_t kInboundLimitBytes = 64u << 20;
  struct Inbound {
    std::uint64_t nodeId;
    core::OffsetBytes packet;
  };
  // Received packets for lwIP. Above the limit the stack is not keeping up:
  // packets are dropped (TCP treats it as loss) rather than queued without
  // bound. Its lock nests inside mutex_, never the other way.
  core::BoundedQueue<Inbound> inbound_{kInboundLimitBytes};
  // Set by post and deliver, cleared by the stack thread before it takes
  // the work: watched without the lock before the thread sleeps (spinWait).
  std::atomic<bool> workPending_{false};
  bool stopping_ = false;
  int nodes_ = 0;  // guarded by the process-wide registry mutex

  // Stack thread only.
  std::unordered_map<std::uint64_t, NodeStack*> nodeMap_;
  std::uint64_t nextNodeId_ = 1;
};

}  // namespace rtk::netstack::detail
