#include "ProcStats.hpp"
#include "Subprocess.hpp"

#include <ratatoskr/error.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <unistd.h>

#include <ctime>
#include <thread>

using namespace rtk::interop;

class ProcStatsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ProcStatsTest);
  CPPUNIT_TEST(countsThreadsFdsMemoryOfThisProcess);
  CPPUNIT_TEST(cpuSecondsGrowWithWork);
  CPPUNIT_TEST(goneProcessThrowsNotFound);
  CPPUNIT_TEST_SUITE_END();

 public:
  void countsThreadsFdsMemoryOfThisProcess() {
    const ProcStats before = ProcStats::read(::getpid());
    std::thread extra([] { std::this_thread::sleep_for(std::chrono::milliseconds(300)); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const ProcStats during = ProcStats::read(::getpid());
    extra.join();
    CPPUNIT_ASSERT_EQUAL(before.threads + 1, during.threads);
    CPPUNIT_ASSERT(during.fds >= 3);
    CPPUNIT_ASSERT(during.rssKiB > 0);
    CPPUNIT_ASSERT(during.peakRssKiB >= during.rssKiB);
    CPPUNIT_ASSERT(during.describe().find("threads ") == 0);
  }

  void cpuSecondsGrowWithWork() {
    // A fresh test process may not have used one clock tick yet: burn 50 ms
    // of CPU first, so the counter has something to show.
    const std::clock_t start = std::clock();
    while (std::clock() - start < CLOCKS_PER_SEC / 20) {
    }
    const ProcStats self = ProcStats::read(::getpid());
    CPPUNIT_ASSERT(self.cpuSeconds > 0.0);
    // Spawn a busy child and watch its counter move.
    Subprocess busy = Subprocess::spawn({"sh", "-c", "while :; do :; done"}, "/dev/null");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const double first = ProcStats::read(busy.pid()).cpuSeconds;
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    const double second = ProcStats::read(busy.pid()).cpuSeconds;
    busy.terminate(1000);
    CPPUNIT_ASSERT(second > first);
  }

  void goneProcessThrowsNotFound() {
    Subprocess quick = Subprocess::spawn({"true"}, "/dev/null");
    const pid_t pid = quick.pid();
    CPPUNIT_ASSERT(quick.waitFor(5000));
    try {
      ProcStats::read(pid);
      CPPUNIT_FAIL("expected rtk::Error");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::NotFound);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProcStatsTest);
