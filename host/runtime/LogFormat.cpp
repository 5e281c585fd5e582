#include "runtime/LogFormat.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace rtk::host {

namespace {

std::string isoTime(std::chrono::system_clock::time_point t) {
  auto secs = std::chrono::system_clock::to_time_t(t);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  if (ms < 0) ms += 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

// sd-daemon(3): <3> error, <4> warning, <6> info, <7> debug.
const char* journalPriority(LogLevel l) {
  switch (l) {
    case LogLevel::Error: return "<3>";
    case LogLevel::Warn: return "<4>";
    case LogLevel::Info: return "<6>";
    default: return "<7>";
  }
}

// Text and journal lines: newlines and carriage returns inside a message
// would start a new (unattributed) line, so they are escaped.
void appendOneLine(std::string& out, std::string_view s) {
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
}

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one
// (overlong forms, surrogates and code points above U+10FFFF included).
std::size_t utf8Length(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((b(k) & 0xc0) != 0x80) return 0;
  if (n == 2 && c < 0xc2) return 0;                              // overlong
  if (n == 3 && c == 0xe0 && b(1) < 0xa0) return 0;              // overlong
  if (n == 3 && c == 0xed && b(1) >= 0xa0) return 0;             // surrogates
  if (n == 4 && c == 0xf0 && b(1) < 0x90) return 0;              // overlong
  if (n == 4 && (c > 0xf4 || (c == 0xf4 && b(1) >= 0x90))) return 0;  // above U+10FFFF
  return n;
}

void appendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      std::size_t n = utf8Length(s, i);
      if (n == 0) {
        out += "\\ufffd";
        ++i;
        continue;
      }
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    ++i;
  }
  out += '"';
}

}  // namespace

LogFormat detectLogFormat(int fd, const char* journalStream) {
  if (!journalStream || !*journalStream) return LogFormat::Text;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(journalStream, "%llu:%llu", &dev, &ino) != 2) return LogFormat::Text;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return LogFormat::Text;
  return static_cast<unsigned long long>(st.st_dev) == dev && static_cast<unsigned long long>(st.st_ino) == ino
             ? LogFormat::Journal
             : LogFormat::Text;
}

std::optional<LogFormat> parseLogFormat(std::string_view name, int fd) {
  if (name == "auto") return detectLogFormat(fd, std::getenv("JOURNAL_STREAM"));
  if (name == "text") return LogFormat::Text;
  if (name == "journal") return LogFormat::Journal;
  if (name == "json") return LogFormat::Json;
  return std::nullopt;
}

std::string formatLogLine(LogFormat format, LogLevel level, std::string_view subsystem, std::string_view message,
                          std::chrono::system_clock::time_point time) {
  std::string out;
  out.reserve(message.size() + subsystem.size() + 48);
  switch (format) {
    case LogFormat::Text:
      out.append(isoTime(time)).append(" ").append(logLevelName(level)).append(" ");
      appendOneLine(out, subsystem);
      out.append(": ");
      appendOneLine(out, message);
      break;
    case LogFormat::Journal:
      out.append(journalPriority(level));
      appendOneLine(out, subsystem);
      out.append(": ");
      appendOneLine(out, message);
      break;
    case LogFormat::Json:
      out.append("{\"time\":\"").append(isoTime(time)).append("\",\"level\":\"").append(logLevelName(level));
      out.append("\",\"subsystem\":");
      appendJsonString(out, subsystem);
      out.append(",\"message\":");
      appendJsonString(out, message);
      out.append("}");
      break;
  }
  out.append("\n");
  return out;
}

Logger::Sink logSink(LogFormat format, int fd) {
  return [format, fd](LogLevel level, std::string_view subsystem, std::string_view message) {
    std::string line = formatLogLine(format, level, subsystem, message, std::chrono::system_clock::now());
    std::size_t done = 0;
    while (done < line.size()) {
      ssize_t n = ::write(fd, line.data() + done, line.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // nowhere left to say it
      done += static_cast<std::size_t>(n);
    }
  };
}

}  // namespace rtk::host
