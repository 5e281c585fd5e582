// PeerMonitor — the keepalive and timeout rules of ironwood's peerMonitor
// (network/peers.go), as a state machine driven by the link thread.
//
//   - After receiving a frame that is not a keepalive (or dummy), the other
//     side expects an answer: if we send nothing within keepAliveDelay (1 s),
//     send a keepalive frame.
//   - After sending such a frame we expect an answer: if no complete frame
//     arrives within timeout (3 s), the link is dead. The deadline is set by
//     the first such frame and cleared by the next frame received.
//   - Any frame sent cancels a pending keepalive.
//
// Thread-safety: none; owned by one link thread. Times are passed in so the
// rules are testable without sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace rtk::core::link {

class PeerMonitor {
 public:
  using Clock = std::chrono::steady_clock;

  // The keepalive frame: length 1, type KeepAlive.
  static constexpr std::uint8_t kKeepAliveFrame[2] = {0x01, 0x01};

  PeerMonitor(Clock::duration keepAliveDelay, Clock::duration timeout)
      : keepAliveDelay_(keepAliveDelay), timeout_(timeout) {}

  void onReceived(std::uint8_t frameType, Clock::time_point now);
  void onSent(std::uint8_t frameType, Clock::time_point now);

  bool keepAliveDue(Clock::time_point now) const { return keepAliveAt_ && now >= *keepAliveAt_; }
  bool timedOut(Clock::time_point now) const { return readDeadline_ && now >= *readDeadline_; }
  // The earliest time keepAliveDue or timedOut can become true; nullopt when
  // neither is armed.
  std::optional<Clock::time_point> nextDeadline() const;

 private:
  static bool isSilent(std::uint8_t type);  // dummy or keepalive: asks for no answer

  Clock::duration keepAliveDelay_, timeout_;
  std::optional<Clock::time_point> keepAliveAt_;
  std::optional<Clock::time_point> readDeadline_;
};

}  // namespace rtk::core::link
