// rtk::host::stack::StackLog — where ratatoskr-stack's log goes (-logto):
// "stdout" (the host's text lines on fd 1), "syslog" (syslog(3), facility
// daemon, identity ratatoskr-stack), or a file path (appended, created mode
// 0600). Errors: rtk::Error(Errc::Io) naming the file.
// Thread-safety: the sink may be called from any thread.
#pragma once

#include <string>

#include "ratatoskr/log.hpp"

namespace rtk::host::stack {

Logger::Sink stackLogSink(const std::string& logTo);

}  // namespace rtk::host::stack
