#include "FileLogger.hpp"

#include <chrono>
#include <fstream>
#include <mutex>

namespace rtk::interop {

std::shared_ptr<rtk::Logger> fileLogger(const std::filesystem::path& file) {
  struct Output {
    std::mutex mutex;
    std::ofstream stream;
  };
  auto out = std::make_shared<Output>();
  out->stream.open(file, std::ios::app);
  return std::make_shared<rtk::Logger>(
      [out](rtk::LogLevel level, std::string_view sub, std::string_view msg) {
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count();
        std::lock_guard lock(out->mutex);
        out->stream << now << ' ' << rtk::logLevelName(level) << ' ' << sub << ": " << msg << '\n';
        out->stream.flush();
      },
      rtk::LogLevel::Debug);
}

}  // namespace rtk::interop
