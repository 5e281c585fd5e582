// Cancellation: the C++ counterpart of Go's context cancellation.
//
// A CancelSource owns the right to cancel; any number of CancelTokens observe
// it. Tokens are cheap to copy. A default-constructed token is never
// cancelled. Thread-safety: every member is safe to call from any thread;
// callbacks registered with onCancel run exactly once, either on the thread
// that calls cancel() or immediately on the registering thread when the
// source is already cancelled. Callbacks must not block.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace rtk {

namespace detail {
struct CancelState {
  std::mutex mutex;
  bool cancelled = false;
  std::uint64_t nextId = 1;
  std::map<std::uint64_t, std::function<void()>> callbacks;
};
}  // namespace detail

// Unregisters its callback when destroyed (unless it already ran).
class CancelRegistration {
 public:
  CancelRegistration() = default;
  CancelRegistration(std::weak_ptr<detail::CancelState> s, std::uint64_t id) : state_(std::move(s)), id_(id) {}
  CancelRegistration(CancelRegistration&& o) noexcept : state_(std::move(o.state_)), id_(o.id_) { o.id_ = 0; }
  CancelRegistration& operator=(CancelRegistration&& o) noexcept {
    if (this != &o) {
      reset();
      state_ = std::move(o.state_);
      id_ = o.id_;
      o.id_ = 0;
    }
    return *this;
  }
  CancelRegistration(const CancelRegistration&) = delete;
  CancelRegistration& operator=(const CancelRegistration&) = delete;
  ~CancelRegistration() { reset(); }
  void reset() {
    if (auto s = state_.lock(); s && id_) {
      std::lock_guard lock(s->mutex);
      s->callbacks.erase(id_);
    }
    id_ = 0;
  }

 private:
  std::weak_ptr<detail::CancelState> state_;
  std::uint64_t id_ = 0;
};

class CancelToken {
 public:
  CancelToken() = default;
  explicit CancelToken(std::shared_ptr<detail::CancelState> s) : state_(std::move(s)) {}

  bool cancelled() const {
    if (!state_) return false;
    std::lock_guard lock(state_->mutex);
    return state_->cancelled;
  }
  // True when this token can ever be cancelled.
  bool cancellable() const { return state_ != nullptr; }

  [[nodiscard]] CancelRegistration onCancel(std::function<void()> fn) const {
    if (!state_) return {};
    std::unique_lock lock(state_->mutex);
    if (state_->cancelled) {
      lock.unlock();
      fn();
      return {};
    }
    auto id = state_->nextId++;
    state_->callbacks.emplace(id, std::move(fn));
    return CancelRegistration(state_, id);
  }

 private:
  std::shared_ptr<detail::CancelState> state_;
};

class CancelSource {
 public:
  CancelSource() : state_(std::make_shared<detail::CancelState>()) {}
  CancelToken token() const { return CancelToken(state_); }
  void cancel() {
    std::map<std::uint64_t, std::function<void()>> run;
    {
      std::lock_guard lock(state_->mutex);
      if (state_->cancelled) return;
      state_->cancelled = true;
      run.swap(state_->callbacks);
    }
    for (auto& [id, fn] : run) fn();
  }
  bool cancelled() const { return token().cancelled(); }

 private:
  std::shared_ptr<detail::CancelState> state_;
};

}  // namespace rtk
