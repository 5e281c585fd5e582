// LogFormat: the three line formats byte for byte, one line per event
// whatever the message holds, and journald detection from JOURNAL_STREAM.
#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <regex>

#include "common/TempDir.hpp"
#include "ratatoskr/json.hpp"
#include "runtime/LogFormat.hpp"

namespace rtk::host {

namespace {

// 2024-05-01T12:34:56.789Z
std::chrono::system_clock::time_point aTime() {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(1714566896789LL));
}

}  // namespace

class LogFormatTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LogFormatTest);
  CPPUNIT_TEST(textLinesCarryTimeLevelAndSubsystem);
  CPPUNIT_TEST(journalLinesCarryPriorityAndNoTime);
  CPPUNIT_TEST(jsonLinesAreValidJsonWhateverTheMessage);
  CPPUNIT_TEST(aMessageNeverSplitsItsLine);
  CPPUNIT_TEST(journalStreamIsDetectedByDeviceAndInode);
  CPPUNIT_TEST(formatNames);
  CPPUNIT_TEST(theSinkWritesWholeLines);
  CPPUNIT_TEST_SUITE_END();

 public:
  void textLinesCarryTimeLevelAndSubsystem() {
    CPPUNIT_ASSERT_EQUAL(std::string("2024-05-01T12:34:56.789Z warn links: tls://h:443: dial timeout\n"),
                         formatLogLine(LogFormat::Text, LogLevel::Warn, "links", "tls://h:443: dial timeout", aTime()));
  }

  void journalLinesCarryPriorityAndNoTime() {
    CPPUNIT_ASSERT_EQUAL(std::string("<3>host: bad\n"), formatLogLine(LogFormat::Journal, LogLevel::Error, "host", "bad", aTime()));
    CPPUNIT_ASSERT_EQUAL(std::string("<4>x: m\n"), formatLogLine(LogFormat::Journal, LogLevel::Warn, "x", "m", aTime()));
    CPPUNIT_ASSERT_EQUAL(std::string("<6>x: m\n"), formatLogLine(LogFormat::Journal, LogLevel::Info, "x", "m", aTime()));
    CPPUNIT_ASSERT_EQUAL(std::string("<7>x: m\n"), formatLogLine(LogFormat::Journal, LogLevel::Debug, "x", "m", aTime()));
    CPPUNIT_ASSERT_EQUAL(std::string("<7>x: m\n"), formatLogLine(LogFormat::Journal, LogLevel::Trace, "x", "m", aTime()));
  }

  void jsonLinesAreValidJsonWhateverTheMessage() {
    CPPUNIT_ASSERT_EQUAL(
        std::string(R"({"time":"2024-05-01T12:34:56.789Z","level":"info","subsystem":"metrics","message":"a \"q\" \\ \n\t\u0001\u007f é"})"
                    "\n"),
        formatLogLine(LogFormat::Json, LogLevel::Info, "metrics", "a \"q\" \\ \n\t\x01\x7f é", aTime()));
    // Bytes that are not UTF-8 (a lone continuation, a truncated sequence,
    // an overlong form, a surrogate) become U+FFFD; the line still parses.
    std::string bad = std::string("x\x80y\xe2\x82") + "\xc0\xaf" + "\xed\xa0\x80" + "\xf4\x90\x80\x80" + "\xf0\x9f\x98\x80";
    std::string line = formatLogLine(LogFormat::Json, LogLevel::Error, "peer\xff", bad, aTime());
    CPPUNIT_ASSERT_EQUAL('\n', line.back());
    auto v = json::Value::parse(line.substr(0, line.size() - 1));
    CPPUNIT_ASSERT_EQUAL(std::string("peer\xef\xbf\xbd"), v.get("subsystem").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("x\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                                     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xf0\x9f\x98\x80"),
                         v.get("message").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("error"), v.get("level").asString());
  }

  void aMessageNeverSplitsItsLine() {
    for (auto format : {LogFormat::Text, LogFormat::Journal, LogFormat::Json}) {
      std::string line = formatLogLine(format, LogLevel::Info, "sub\nsystem", "one\ntwo\r\nthree", aTime());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(line, std::string::npos, line.substr(0, line.size() - 1).find('\n'));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(line, std::string::npos, line.find('\r'));
      CPPUNIT_ASSERT_MESSAGE(line, line.find("one\\ntwo\\r\\nthree") != std::string::npos);
    }
  }

  void journalStreamIsDetectedByDeviceAndInode() {
    test::TempDir dir;
    std::string path = dir.path() + "/stream";
    int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    CPPUNIT_ASSERT(fd >= 0);
    struct stat st {};
    CPPUNIT_ASSERT_EQUAL(0, ::fstat(fd, &st));
    std::string mine = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    std::string other = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + 1);
    CPPUNIT_ASSERT(detectLogFormat(fd, mine.c_str()) == LogFormat::Journal);
    CPPUNIT_ASSERT(detectLogFormat(fd, other.c_str()) == LogFormat::Text);  // inherited by a child writing elsewhere
    CPPUNIT_ASSERT(detectLogFormat(fd, nullptr) == LogFormat::Text);
    CPPUNIT_ASSERT(detectLogFormat(fd, "") == LogFormat::Text);
    CPPUNIT_ASSERT(detectLogFormat(fd, "garbage") == LogFormat::Text);
    CPPUNIT_ASSERT(detectLogFormat(-1, mine.c_str()) == LogFormat::Text);
    ::close(fd);
  }

  void formatNames() {
    CPPUNIT_ASSERT(parseLogFormat("text") == LogFormat::Text);
    CPPUNIT_ASSERT(parseLogFormat("journal") == LogFormat::Journal);
    CPPUNIT_ASSERT(parseLogFormat("json") == LogFormat::Json);
    CPPUNIT_ASSERT(parseLogFormat("auto").has_value());
    CPPUNIT_ASSERT(!parseLogFormat("JSON").has_value());
    CPPUNIT_ASSERT(!parseLogFormat("").has_value());
  }

  void theSinkWritesWholeLines() {
    int fds[2];
    CPPUNIT_ASSERT_EQUAL(0, ::pipe(fds));
    Logger logger(logSink(LogFormat::Journal, fds[1]), LogLevel::Debug);
    Log(std::shared_ptr<const Logger>(&logger, [](const Logger*) {}), "links").warn("peer ", 7, " down");
    ::close(fds[1]);
    char buf[256];
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    ::close(fds[0]);
    CPPUNIT_ASSERT_EQUAL(std::string("<4>links: peer 7 down\n"), std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LogFormatTest);

}  // namespace rtk::host
