// rtk::host::LogFormat — how the host writes the one Logger's lines to stderr.
//
// One event, one line, always starting with the subsystem's name (a newline
// inside a message is written as "\n", so a line is never split):
//   text     "2024-05-01T12:34:56.789Z warn links: tls://h:443: dial timeout"
//            (a terminal, a file, a pipe)
//   journal  "<4>links: tls://h:443: dial timeout"
//            under systemd: journald stamps the time itself, and the "<N>"
//            prefix (sd-daemon(3)) becomes the entry's PRIORITY, so
//            `journalctl -p warning` filters by level
//   json     {"time":"2024-05-01T12:34:56.789Z","level":"warn","subsystem":"links","message":"..."}
//            for log shippers; strings escaped per RFC 8259, bytes that are
//            not UTF-8 replaced by U+FFFD
// "auto" (the default) picks journal when stderr is the stream systemd's
// JOURNAL_STREAM names (its "device:inode" matches fstat(2)), else text.
// Thread-safety: every function is pure or reads only its arguments and the
// environment; the sink writes each line with one write(2).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "ratatoskr/log.hpp"

namespace rtk::host {

enum class LogFormat { Text, Journal, Json };

// "auto", "text", "journal", "json"; nullopt otherwise. "auto" resolves
// through detectLogFormat().
std::optional<LogFormat> parseLogFormat(std::string_view name, int fd = 2);
// Journal when `journalStream` (JOURNAL_STREAM's value, may be null) names
// the file `fd` is open on, else Text.
LogFormat detectLogFormat(int fd, const char* journalStream);
// One line, '\n' included.
std::string formatLogLine(LogFormat format, LogLevel level, std::string_view subsystem, std::string_view message,
                          std::chrono::system_clock::time_point time);
// A Logger sink writing formatLogLine() to fd, one write(2) per line.
Logger::Sink logSink(LogFormat format, int fd = 2);

}  // namespace rtk::host
