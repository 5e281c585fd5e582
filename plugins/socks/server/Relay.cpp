#include "server/Relay.hpp"

#include <memory>
#include <vector>

namespace rtk::plugins::socks {

namespace {

constexpr std::size_t kRelayBufferBytes = 32 * 1024;

void abortBoth(Conn& a, Conn& b) noexcept {
  for (Conn* c : {&a, &b}) {
    try {
      c->abort();
    } catch (const std::exception&) {
      // Already failed: nothing left to stop.
    }
  }
}

}  // namespace

RelayResult relayOneWay(Conn& from, Conn& to, IdleClock& clock, std::chrono::milliseconds idle,
                        std::atomic<std::uint64_t>& byteCounter) {
  RelayResult result;
  std::vector<char> buffer(kRelayBufferBytes);
  for (;;) {
    std::size_t n = 0;
    try {
      if (idle.count() > 0) from.setReadDeadline(clock.last() + idle);
      n = from.read(buffer.data(), buffer.size());
    } catch (const Error& e) {
      if (e.code() == Errc::Timeout && idle.count() > 0) {
        if (Clock::now() < clock.last() + idle) continue;  // the other direction moved bytes meanwhile
        result.why = "idle for " + std::to_string(idle.count() / 1000) + " s";
      } else {
        result.why = e.what();
      }
      abortBoth(from, to);
      return result;
    }
    if (n == 0) {
      try {
        to.closeWrite();
      } catch (const Error& e) {
        result.why = e.what();
        abortBoth(from, to);
        return result;
      }
      result.clean = true;
      return result;
    }
    try {
      if (idle.count() > 0) to.setWriteDeadline(Clock::now() + idle);
      to.write(buffer.data(), n);
    } catch (const Error& e) {
      result.why = e.what();
      abortBoth(from, to);
      return result;
    }
    clock.touch();
    result.bytes += n;
    byteCounter.fetch_add(n, std::memory_order_relaxed);
  }
}

}  // namespace rtk::plugins::socks
