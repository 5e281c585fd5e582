// Shared by the ninfo engine's suites: a collector for ask callbacks, a
// bounded wait, and upstream answers for tests/common/FakeNode.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "common/FakeNode.hpp"
#include "ninfo/Asker.hpp"

namespace rtk::test {

// Polls `done` every millisecond for at most `timeoutMs`; true once it holds.
inline bool waitFor(const std::function<bool()>& done, int timeoutMs = 10000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

class AskResults {
 public:
  ninfo::Asker::Callback callback() {
    return [this](Outcome<ninfo::AskResult> r) {
      std::lock_guard lock(mutex_);
      got_.push_back(std::move(r));
      cv_.notify_all();
    };
  }
  // True once `n` results arrived (within timeoutMs).
  bool waitCount(std::size_t n, int timeoutMs = 10000) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return got_.size() >= n; });
  }
  std::vector<Outcome<ninfo::AskResult>> all() const {
    std::lock_guard lock(mutex_);
    return got_;
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return got_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Outcome<ninfo::AskResult>> got_;
};

inline Outcome<RemoteReply> replyWith(std::string json, std::chrono::nanoseconds rtt = std::chrono::milliseconds(7)) {
  Outcome<RemoteReply> r;
  r.value.json = std::move(json);
  r.value.rtt = rtt;
  return r;
}

inline Outcome<RemoteReply> replyError(Errc code, std::string message) {
  Outcome<RemoteReply> r;
  r.error = Error(code, std::move(message));
  return r;
}

inline std::size_t callsNamed(const FakeNode& node, const std::string& name) {
  std::size_t n = 0;
  for (const auto& c : node.calls()) n += c.name == name ? 1 : 0;
  return n;
}

// Every task posted to the asker before this returns has run: cancel() of an
// unknown id is a round trip through its thread.
inline void drain(ninfo::Asker& asker) { asker.cancel(~std::uint64_t{0}); }

}  // namespace rtk::test
