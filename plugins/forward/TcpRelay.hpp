// TcpRelay — one forwarded TCP connection: the accepted stream, the stream
// it dials, and the bytes between them.
//
// Two threads per relay (the SDK's connections block; there is no readiness
// API yet): "rtk-fwd-in" dials the mapped side (DialTimeout), then copies
// accepted -> mapped; "rtk-fwd-out" copies back. Neither ever blocks the
// accept loop. Copies use 32 KiB buffers.
//
// Timeouts, as Go ratatoskr's ProxyTCP: the connection ends after
// TCPIdleTimeout without a byte either way; a clean end of one direction is
// passed on as a half-close (closeWrite) and the other direction may go on,
// idle at most TCPCloseTimeout; an error in either direction ends both at
// once (the far side sees a reset). Every blocking call waits at most
// TCPCloseTimeout before the limits are checked again, so a half-close is
// noticed by the other direction in time.
//
// Life: start() -> [threads] -> `done(this)` once both directions ended
// (from the last relay thread) -> joinThreads() by the reaper. abort()
// (plugin stop) ends it from any thread, dials included.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "Counters.hpp"
#include "RateLimit.hpp"
#include "ratatoskr/thread.hpp"
#include "Reaper.hpp"
#include "Stream.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::plugins::forward {

class TcpRelay final : public Retiring, public std::enable_shared_from_this<TcpRelay> {
 public:
  struct Timeouts {
    std::chrono::milliseconds idle{0};   // 0: none
    std::chrono::milliseconds close{30'000};
  };
  // Dials the mapped side (and writes anything that goes first, e.g. a PROXY
  // header); throws rtk::Error when it cannot.
  using Dial = std::function<std::unique_ptr<Stream>()>;
  using Done = std::function<void(const std::shared_ptr<TcpRelay>&)>;

  // dialWarnings (may be null) limits how often a failed dial is logged as a warning.
  TcpRelay(std::unique_ptr<Stream> accepted, std::string name, Timeouts timeouts, Counters& counters, Log log,
           RateLimit* dialWarnings = nullptr);
  ~TcpRelay() override;

  // Throws rtk::Error(Errc::Io) when no thread can be started (nothing runs then).
  void start(Dial dial, Done done);
  void abort();
  void joinThreads() override;
  const std::string& name() const { return name_; }

 private:
  enum class Flow { In, Out };
  void runIn(Dial dial);
  void copy(Stream& from, Stream& to, Flow flow);
  void copyGuarded(Stream& from, Stream& to, Flow flow);  // copy(), and anything unexpected ends the relay
  // Called by each direction's thread as it leaves; the last one finishes.
  void leave();
  void fail(const std::string& why);
  Deadline nextDeadline() const;
  bool idleExpired() const;
  void touch();

  std::unique_ptr<Stream> accepted_;
  std::unique_ptr<Stream> mapped_;  // set once by the "in" thread, under mutex_
  std::string name_;
  Timeouts timeouts_;
  Counters& counters_;
  Log log_;
  RateLimit* dialWarnings_;
  Done done_;

  std::mutex mutex_;
  bool aborted_ = false;  // guarded
  std::atomic<int> running_{0};
  std::atomic<bool> halfClosed_{false};
  std::atomic<bool> ending_{false};
  std::atomic<std::int64_t> lastActivityNs_{0};
  Thread in_, out_;
};

}  // namespace rtk::plugins::forward
