// Collects log lines so tests can assert what a refusal said.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ratatoskr/log.hpp"

namespace rtk::test {

class LogCapture {
 public:
  LogCapture() {
    auto lines = lines_;
    auto mutex = mutex_;
    logger_ = std::make_shared<Logger>(
        [lines, mutex](LogLevel level, std::string_view subsystem, std::string_view message) {
          std::string line = std::string(logLevelName(level)) + " " + std::string(subsystem) + ": " + std::string(message);
          if (std::getenv("RTK_TEST_LOG")) std::fprintf(stderr, "%s\n", line.c_str());
          std::lock_guard lock(*mutex);
          lines->push_back(std::move(line));
        },
        LogLevel::Debug);
  }
  Log log(const std::string& subsystem = "links") const { return Log(logger_, subsystem); }
  bool contains(const std::string& needle) const {
    std::lock_guard lock(*mutex_);
    for (const auto& l : *lines_)
      if (l.find(needle) != std::string::npos) return true;
    return false;
  }
  // The first line holding every needle; empty when none.
  std::string find(const std::vector<std::string>& needles) const {
    std::lock_guard lock(*mutex_);
    for (const auto& l : *lines_) {
      bool all = true;
      for (const auto& n : needles) all &= l.find(n) != std::string::npos;
      if (all) return l;
    }
    return {};
  }
  std::string dump() const {
    std::lock_guard lock(*mutex_);
    std::string out;
    for (const auto& l : *lines_) out += l + "\n";
    return out;
  }

 private:
  std::shared_ptr<std::vector<std::string>> lines_ = std::make_shared<std::vector<std::string>>();
  std::shared_ptr<std::mutex> mutex_ = std::make_shared<std::mutex>();
  std::shared_ptr<Logger> logger_;
};

}  // namespace rtk::test
