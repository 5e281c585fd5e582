#include "TcpRelay.hpp"

#include <algorithm>
#include <vector>

#include "SteadyClock.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::plugins::forward {
namespace {

constexpr std::size_t kRelayBufferBytes = 32 * 1024;

// The idle limit in effect, or zero for none.
std::chrono::milliseconds relayIdleLimit(const TcpRelay::Timeouts& t, bool halfClosed) {
  if (!halfClosed) return t.idle;
  return t.idle.count() > 0 ? std::min(t.idle, t.close) : t.close;
}

}  // namespace

TcpRelay::TcpRelay(std::unique_ptr<Stream> accepted, std::string name, Timeouts timeouts, Counters& counters, Log log,
                   RateLimit* dialWarnings)
    : accepted_(std::move(accepted)),
      name_(std::move(name)),
      timeouts_(timeouts),
      counters_(counters),
      log_(std::move(log)),
      dialWarnings_(dialWarnings) {}

TcpRelay::~TcpRelay() { joinThreads(); }

void TcpRelay::joinThreads() {
  in_.join();
  out_.join();
}

void TcpRelay::start(Dial dial, Done done) {
  done_ = std::move(done);
  touch();
  running_ = 1;
  in_.start("rtk-fwd-in", [this, dial = std::move(dial)]() mutable { runIn(std::move(dial)); });  // throws Errc::Io
}

void TcpRelay::runIn(Dial dial) {
  std::unique_ptr<Stream> mapped;
  try {
    mapped = dial();
  } catch (const std::exception& e) {
    bool stopped;
    {
      std::lock_guard lock(mutex_);
      stopped = aborted_;
    }
    if (!stopped) {
      Counters::add(counters_.dialFailures);
      if (!dialWarnings_ || dialWarnings_->allow()) log_.warn(name_, ": ", e.what());
      else log_.debug(name_, ": ", e.what());
    }
    accepted_->abort();
    leave();
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (aborted_) {
      mapped->abort();
      accepted_->abort();
      mapped_ = std::move(mapped);
      leave();
      return;
    }
    mapped_ = std::move(mapped);
    running_ = 2;
  }
  touch();
  try {
    out_.start("rtk-fwd-out", [this] {
      copyGuarded(*mapped_, *accepted_, Flow::Out);
      leave();
    });
  } catch (const Error& e) {
    fail(e.what());
    leave();  // for the direction that never started
    leave();
    return;
  }
  copyGuarded(*accepted_, *mapped_, Flow::In);
  leave();
}

void TcpRelay::copyGuarded(Stream& from, Stream& to, Flow flow) {
  try {
    copy(from, to, flow);
  } catch (const std::exception& e) {
    fail(std::string("unexpected: ") + e.what());
  }
}

void TcpRelay::touch() { lastActivityNs_.store(steadyNowNs(), std::memory_order_relaxed); }

bool TcpRelay::idleExpired() const {
  auto limit = relayIdleLimit(timeouts_, halfClosed_.load());
  if (limit.count() <= 0) return false;
  auto idleNs = steadyNowNs() - lastActivityNs_.load(std::memory_order_relaxed);
  return idleNs >= std::chrono::duration_cast<std::chrono::nanoseconds>(limit).count();
}

Deadline TcpRelay::nextDeadline() const {
  // Wake at least every close timeout, so a half-close done by the other
  // direction shortens this one's limit in time.
  TimePoint wake = Clock::now() + timeouts_.close;
  auto limit = relayIdleLimit(timeouts_, halfClosed_.load());
  if (limit.count() > 0) {
    TimePoint last{std::chrono::nanoseconds(lastActivityNs_.load(std::memory_order_relaxed))};
    wake = std::min(wake, TimePoint(last + limit));
  }
  return wake;
}

void TcpRelay::copy(Stream& from, Stream& to, Flow flow) {
  const char* direction = flow == Flow::In ? "to the mapped side" : "back to the caller";
  auto& bytes = flow == Flow::In ? counters_.bytesIn : counters_.bytesOut;
  std::vector<char> buffer(kRelayBufferBytes);
  for (;;) {
    std::size_t n = 0;
    try {
      n = from.read(buffer.data(), buffer.size(), nextDeadline());
    } catch (const Error& e) {
      if (e.code() == Errc::Timeout && !ending_.load()) {
        if (!idleExpired()) continue;
        if (!ending_.exchange(true)) {
          log_.debug(name_, ": idle for ", relayIdleLimit(timeouts_, halfClosed_.load()).count(), " ms, closing");
          accepted_->close();
          std::lock_guard lock(mutex_);
          if (mapped_) mapped_->close();
        }
        return;
      }
      if (!ending_.load()) fail(std::string("reading ") + (flow == Flow::In ? "from the caller" : "from the mapped side") + ": " + e.what());
      return;
    }
    if (n == 0) {
      // A clean end: pass it on and let the other direction finish.
      try {
        to.closeWrite();
      } catch (const Error& e) {
        if (!ending_.load()) fail(std::string("half-close ") + direction + ": " + e.what());
        return;
      }
      halfClosed_ = true;
      touch();
      return;
    }
    try {
      auto limit = relayIdleLimit(timeouts_, halfClosed_.load());
      to.writeAll(buffer.data(), n, limit.count() > 0 ? Deadline(Clock::now() + limit) : std::nullopt);
    } catch (const Error& e) {
      if (!ending_.load()) fail(std::string("writing ") + direction + ": " + e.what());
      return;
    }
    Counters::add(bytes, n);
    touch();
  }
}

void TcpRelay::fail(const std::string& why) {
  if (ending_.exchange(true)) return;
  log_.debug(name_, ": ", why);
  accepted_->abort();
  std::lock_guard lock(mutex_);
  if (mapped_) mapped_->abort();
}

void TcpRelay::abort() {
  std::lock_guard lock(mutex_);
  aborted_ = true;
  ending_ = true;
  accepted_->abort();
  if (mapped_) mapped_->abort();
}

void TcpRelay::leave() {
  if (running_.fetch_sub(1) != 1) return;
  accepted_->close();
  {
    std::lock_guard lock(mutex_);
    if (mapped_) mapped_->close();
  }
  done_(shared_from_this());
}

}  // namespace rtk::plugins::forward
