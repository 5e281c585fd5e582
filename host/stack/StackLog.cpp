#include "stack/StackLog.hpp"

#include <fcntl.h>
#include <syslog.h>

#include <cerrno>
#include <cstring>

#include "ratatoskr/error.hpp"
#include "runtime/LogFormat.hpp"

namespace rtk::host::stack {
namespace {

int syslogPriority(LogLevel level) {
  switch (level) {
    case LogLevel::Error: return LOG_ERR;
    case LogLevel::Warn: return LOG_WARNING;
    case LogLevel::Info: return LOG_INFO;
    default: return LOG_DEBUG;
  }
}

}  // namespace

Logger::Sink stackLogSink(const std::string& logTo) {
  if (logTo == "stdout") return logSink(LogFormat::Text, 1);
  if (logTo == "syslog") {
    ::openlog("ratatoskr-stack", LOG_PID, LOG_DAEMON);
    return [](LogLevel level, std::string_view subsystem, std::string_view message) {
      ::syslog(syslogPriority(level), "%.*s: %.*s", static_cast<int>(subsystem.size()), subsystem.data(),
               static_cast<int>(message.size()), message.data());
    };
  }
  // Kept open for the life of the process; the sink writes whole lines.
  int fd = ::open(logTo.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(Errc::Io, "-logto " + logTo + ": " + std::strerror(errno));
  return logSink(LogFormat::Text, fd);
}

}  // namespace rtk::host::stack
