// Acceptor — the "rtk-accept" thread: poll()s every listener socket and
// hands accepted connections to the link manager.
//
// One thread serves all listeners (there are few, and accepting is cheap);
// the handshake and everything after runs on the new link's own thread.
// When accept() runs out of descriptors (EMFILE and friends) the listener is
// paused for a second instead of spinning, with a warning.
//
// Thread-safety: add, remove and stop may be called from any thread except
// the acceptor thread itself (i.e. not from the handler). remove() returns
// once the thread has let go of the listener, so its socket is closed (and
// its port free) when the caller drops its last reference.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "core/link/LinkListener.hpp"
#include "core/link/UniqueFd.hpp"
#include "core/util/Thread.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::core::link {

class Acceptor {
 public:
  // Acceptor thread; must not block for long.
  using Handler = std::function<void(const std::shared_ptr<LinkListener>&, LinkListener::Accepted)>;

  Acceptor(rtk::Log log, Handler handler);
  ~Acceptor();  // stop()
  Acceptor(const Acceptor&) = delete;
  Acceptor& operator=(const Acceptor&) = delete;

  void add(std::shared_ptr<LinkListener> listener);
  // The removed listener, or null when unknown.
  std::shared_ptr<LinkListener> remove(std::uint64_t id);
  // Stops and joins the thread and releases every listener. Idempotent.
  void stop();

 private:
  void run();
  void signal();
  // Waits until the thread has picked up the current listener set.
  void waitApplied(std::unique_lock<std::mutex>& lock);

  rtk::Log log_;
  Handler handler_;
  UniqueFd wake_;
  std::mutex mutex_;
  std::condition_variable applied_;
  std::map<std::uint64_t, std::shared_ptr<LinkListener>> listeners_;
  std::uint64_t version_ = 0;
  std::uint64_t appliedVersion_ = 0;
  bool stopping_ = false;
  bool finished_ = false;
  Thread thread_;  // last: started once everything above exists
};

}  // namespace rtk::core::link
