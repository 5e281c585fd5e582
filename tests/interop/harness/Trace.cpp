#include "Trace.hpp"

#include <chrono>
#include <cstdio>
#include <mutex>

namespace rtk::interop {

void trace(const std::string& line) {
  static const auto start = std::chrono::steady_clock::now();
  static std::mutex mutex;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::lock_guard<std::mutex> lock(mutex);
  std::fprintf(stderr, "[interop +%.3fs] %s\n", seconds, line.c_str());
  std::fflush(stderr);
}

}  // namespace rtk::interop
