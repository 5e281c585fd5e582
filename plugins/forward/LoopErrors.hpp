// LoopErrors — what an accept or receive loop does after an error, as Go
// ratatoskr's forward module does: pause 10 ms, doubling up to 1 s while
// errors continue (out of descriptors, buffers, an aborted handshake: the
// system may recover); give up when the very same error, of any other kind,
// comes 8 times in a row. A success resets both.
// Thread-safety: one loop thread.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

namespace rtk::plugins::forward {

class LoopErrors {
 public:
  static constexpr int kGiveUpAfter = 8;

  // The pause before the next try, or nullopt: give up.
  std::optional<std::chrono::milliseconds> onError(const std::string& message, bool transient) {
    backoff_ = backoff_.count() == 0 ? std::chrono::milliseconds(10) : std::min(backoff_ * 2, std::chrono::milliseconds(1000));
    if (transient) {
      repeats_ = 0;
      last_.clear();
      return backoff_;
    }
    repeats_ = message == last_ ? repeats_ + 1 : 1;
    last_ = message;
    if (repeats_ >= kGiveUpAfter) return std::nullopt;
    return backoff_;
  }
  void onSuccess() {
    backoff_ = std::chrono::milliseconds(0);
    repeats_ = 0;
    last_.clear();
  }

 private:
  std::chrono::milliseconds backoff_{0};
  int repeats_ = 0;
  std::string last_;
};

}  // namespace rtk::plugins::forward
