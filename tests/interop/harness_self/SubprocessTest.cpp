#include "Subprocess.hpp"

#include <ratatoskr/error.hpp>

#include "common/TempDir.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

using rtk::interop::RunResult;
using rtk::interop::Subprocess;

class SubprocessTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SubprocessTest);
  CPPUNIT_TEST(capturesOutputAndExitCode);
  CPPUNIT_TEST(reportsTheKillingSignal);
  CPPUNIT_TEST(timeoutKillsTheWholeGroup);
  CPPUNIT_TEST(missingProgramThrowsNotFound);
  CPPUNIT_TEST(spawnAppendsToTheLogAndTerminates);
  CPPUNIT_TEST(childStartsWithDefaultSigpipe);
  CPPUNIT_TEST_SUITE_END();

 public:
  void capturesOutputAndExitCode() {
    const RunResult r = Subprocess::run({"sh", "-c", "echo out; echo err >&2; exit 3"}, 5000);
    CPPUNIT_ASSERT_EQUAL(std::string("out\n"), r.out);
    CPPUNIT_ASSERT_EQUAL(std::string("err\n"), r.err);
    CPPUNIT_ASSERT_EQUAL(3, r.status.code);
    CPPUNIT_ASSERT(!r.timedOut);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.describe().find("exit 3") != std::string::npos);
  }

  void reportsTheKillingSignal() {
    const RunResult r = Subprocess::run({"sh", "-c", "kill -TERM $$"}, 5000);
    CPPUNIT_ASSERT_EQUAL(SIGTERM, r.status.signal);
    CPPUNIT_ASSERT_EQUAL(-1, r.status.code);
  }

  void timeoutKillsTheWholeGroup() {
    // The shell starts a background sleep in its group and prints its pid.
    const RunResult r = Subprocess::run({"sh", "-c", "sleep 30 & echo $!; wait"}, 500);
    CPPUNIT_ASSERT(r.timedOut);
    CPPUNIT_ASSERT(r.seconds < 5.0);
    const pid_t grandchild = static_cast<pid_t>(std::stol(r.out));
    // Killed with the group: gone, or at most a zombie waiting for init.
    // SIGKILL takes effect asynchronously, so allow it a moment to land.
    auto alive = [grandchild] {
      std::ifstream status("/proc/" + std::to_string(grandchild) + "/status");
      std::string line;
      while (std::getline(status, line))
        if (line.rfind("State:", 0) == 0)
          return line.find('Z') == std::string::npos && line.find('X') == std::string::npos;
      return false;
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (alive() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CPPUNIT_ASSERT(!alive());
  }

  void missingProgramThrowsNotFound() {
    try {
      Subprocess::run({"/nonexistent/rtk-no-such-program"}, 1000);
      CPPUNIT_FAIL("expected rtk::Error");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::NotFound);
      CPPUNIT_ASSERT(std::string(e.what()).find("rtk-no-such-program") != std::string::npos);
    }
  }

  void spawnAppendsToTheLogAndTerminates() {
    rtk::test::TempDir dir("subprocess");
    const auto log = dir.write("log", "before\n");
    Subprocess p = Subprocess::spawn({"sh", "-c", "echo started; exec sleep 30"}, log);
    CPPUNIT_ASSERT(p.running());
    CPPUNIT_ASSERT(!p.waitFor(200));
    const auto status = p.terminate(2000);
    CPPUNIT_ASSERT_EQUAL(SIGTERM, status.signal);
    CPPUNIT_ASSERT(!p.running());
    std::ifstream in(log);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CPPUNIT_ASSERT_EQUAL(std::string("before\nstarted\n"), text);
  }

  void childStartsWithDefaultSigpipe() {
    // The test runner ignores SIGPIPE; the child must not inherit that, or
    // `yes | head` style pipelines in tools would spin.
    const RunResult r = Subprocess::run({"sh", "-c", "grep SigIgn /proc/self/status"}, 5000);
    CPPUNIT_ASSERT(r.ok());
    const auto mask = std::stoull(r.out.substr(r.out.find(':') + 1), nullptr, 16);
    CPPUNIT_ASSERT_EQUAL(0ull, mask & (1ull << (SIGPIPE - 1)));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SubprocessTest);
