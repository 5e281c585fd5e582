// rtk::Logger — the one logger of a node.
//
// Every subsystem logs through the Logger it was given, prefixing its lines
// with its subsystem name ("links: tls://h:443: handshake: wrong password").
// A Logger with no sink discards everything (the default for embedded nodes).
// Thread-safety: all members may be called from any thread; the sink is
// called under no lock of ours but may be called concurrently, so it must be
// thread-safe itself.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>

#include "ratatoskr/export.hpp"

namespace rtk {

enum class LogLevel { Trace = 0, Debug = 1, Info = 2, Warn = 3, Error = 4, Off = 5 };

inline const char* logLevelName(LogLevel l) noexcept {
  switch (l) {
    case LogLevel::Trace: return "trace";
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
    case LogLevel::Off: return "off";
  }
  return "?";
}

class Logger {
 public:
  using Sink = std::function<void(LogLevel, std::string_view subsystem, std::string_view message)>;

  Logger() = default;
  explicit Logger(Sink sink, LogLevel level = LogLevel::Info) : level_(level) { setSink(std::move(sink)); }

  void setSink(Sink sink) {
    auto s = sink ? std::make_shared<const Sink>(std::move(sink)) : nullptr;
    std::lock_guard lock(mutex_);
    sink_ = std::move(s);
  }
  void setLevel(LogLevel level) { level_.store(level, std::memory_order_relaxed); }
  LogLevel level() const { return level_.load(std::memory_order_relaxed); }
  bool enabled(LogLevel l) const {
    if (l < level()) return false;
    std::lock_guard lock(mutex_);
    return sink_ != nullptr;
  }
  void write(LogLevel l, std::string_view subsystem, std::string_view message) const {
    if (l < level()) return;
    std::shared_ptr<const Sink> s;
    {
      std::lock_guard lock(mutex_);
      s = sink_;
    }
    if (s) (*s)(l, subsystem, message);
  }

  // A sink writing "<time> <level> <subsystem>: <message>" lines to stderr,
  // one write per line so concurrent lines do not interleave.
  static Sink stderrSink() {
    return [](LogLevel l, std::string_view sub, std::string_view msg) {
      auto now = std::chrono::system_clock::now();
      auto t = std::chrono::system_clock::to_time_t(now);
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
      std::tm tm{};
      gmtime_r(&t, &tm);
      char stamp[32];
      std::snprintf(stamp, sizeof stamp, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
      std::string line;
      line.reserve(msg.size() + sub.size() + 32);
      line.append(stamp).append(" ").append(logLevelName(l)).append(" ").append(sub).append(": ").append(msg).append("\n");
      std::fwrite(line.data(), 1, line.size(), stderr);
    };
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Sink> sink_;
  std::atomic<LogLevel> level_{LogLevel::Info};
};

// A subsystem's handle on a Logger: cheap to copy, formats its arguments
// with operator<< only when the level is enabled.
class Log {
 public:
  Log() = default;
  Log(std::shared_ptr<const Logger> logger, std::string subsystem)
      : logger_(std::move(logger)), subsystem_(std::move(subsystem)) {}

  Log child(std::string_view sub) const { return Log(logger_, subsystem_ + "/" + std::string(sub)); }
  const std::string& subsystem() const { return subsystem_; }
  const std::shared_ptr<const Logger>& logger() const { return logger_; }
  bool enabled(LogLevel l) const { return logger_ && logger_->enabled(l); }

  template <class... A> void trace(const A&... a) const { emit(LogLevel::Trace, a...); }
  template <class... A> void debug(const A&... a) const { emit(LogLevel::Debug, a...); }
  template <class... A> void info(const A&... a) const { emit(LogLevel::Info, a...); }
  template <class... A> void warn(const A&... a) const { emit(LogLevel::Warn, a...); }
  template <class... A> void error(const A&... a) const { emit(LogLevel::Error, a...); }

 private:
  template <class... A>
  void emit(LogLevel l, const A&... a) const {
    if (!enabled(l)) return;
    std::ostringstream os;
    (os << ... << a);
    logger_->write(l, subsystem_, os.str());
  }
  std::shared_ptr<const Logger> logger_;
  std::string subsystem_;
};

}  // namespace rtk
