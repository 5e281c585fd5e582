// A Logger that keeps every line ("<level> <subsystem>: <message>") for
// assertions. Thread-safe: plugins log from their own threads.
#pragma once

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ratatoskr/log.hpp"

namespace rtk::test {

class TestLog {
 public:
  TestLog()
      : logger_(std::make_shared<Logger>(
            [this](LogLevel l, std::string_view sub, std::string_view msg) {
              std::lock_guard lock(mutex_);
              lines_.push_back(std::string(logLevelName(l)) + " " + std::string(sub) + ": " + std::string(msg));
            },
            LogLevel::Debug)) {}

  const std::shared_ptr<Logger>& logger() const { return logger_; }
  Log log(const std::string& subsystem) const { return Log(logger_, subsystem); }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  // Index of the first line containing `text`, or -1.
  long find(const std::string& text) const {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < lines_.size(); ++i)
      if (lines_[i].find(text) != std::string::npos) return static_cast<long>(i);
    return -1;
  }
  std::string dump() const {
    std::string out;
    for (const auto& l : lines()) out += l + "\n";
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
  std::shared_ptr<Logger> logger_;
};

}  // namespace rtk::test
