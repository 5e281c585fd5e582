#include "Wait.hpp"

#include <ratatoskr/error.hpp>

#include <chrono>
#include <thread>

namespace rtk::interop {

long waitUntil(const std::string& what, int timeoutMs, const std::function<bool()>& ready, int pollMs) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::milliseconds(timeoutMs);
  std::string lastError;
  for (;;) {
    try {
      if (ready()) {
        return static_cast<long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
      }
    } catch (const std::exception& e) {
      lastError = e.what();
    }
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::min(std::chrono::milliseconds(pollMs),
                                         std::chrono::duration_cast<std::chrono::milliseconds>(
                                             deadline - Clock::now()) +
                                             std::chrono::milliseconds(1)));
  }
  std::string message = "interop: " + what + " not reached within " + std::to_string(timeoutMs) + " ms";
  if (!lastError.empty()) message += " (last error: " + lastError + ")";
  throw Error(Errc::Timeout, message);
}

}  // namespace rtk::interop
