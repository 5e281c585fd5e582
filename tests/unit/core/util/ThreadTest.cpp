#include <cppunit/extensions/HelperMacros.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "core/util/Thread.hpp"
#include "ratatoskr/error.hpp"

using namespace std::chrono_literals;
using rtk::core::Thread;

namespace {

// The name the kernel shows for one of our threads.
std::string commOf(pid_t tid) {
  std::ifstream comm("/proc/self/task/" + std::to_string(tid) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

void assertFailsWith(rtk::Errc expected, const std::function<void()>& f) {
  try {
    f();
  } catch (const rtk::Error& e) {
    CPPUNIT_ASSERT_EQUAL(std::string(rtk::errcName(expected)), std::string(rtk::errcName(e.code())));
    return;
  }
  CPPUNIT_FAIL("expected an rtk::Error");
}

}  // namespace

class ThreadTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ThreadTest);
  CPPUNIT_TEST(nameIsVisibleWhileTheBodyRuns);
  CPPUNIT_TEST(badNamesAreRefused);
  CPPUNIT_TEST(joinFromTwoThreadsAtOnceJoinsOnce);
  CPPUNIT_TEST(joinFromTheThreadItselfIsRefused);
  CPPUNIT_TEST(destructorJoins);
  CPPUNIT_TEST(startTwiceIsRefused);
  CPPUNIT_TEST(neverStartedJoinsAsNoOp);
  CPPUNIT_TEST_SUITE_END();

 public:
  void nameIsVisibleWhileTheBodyRuns() {
    std::promise<pid_t> tid;
    std::promise<void> release;
    auto released = release.get_future().share();
    Thread t("rtk-test-name", [&tid, released] {
      tid.set_value(::gettid());
      released.wait();
    });
    const pid_t id = tid.get_future().get();
    CPPUNIT_ASSERT_EQUAL(std::string("rtk-test-name"), commOf(id));
    CPPUNIT_ASSERT_EQUAL(std::string("rtk-test-name"), t.name());
    CPPUNIT_ASSERT(t.joinable());
    release.set_value();
    t.join();
    CPPUNIT_ASSERT(!t.joinable());
    CPPUNIT_ASSERT(commOf(id).empty());  // the task is gone
  }

  void badNamesAreRefused() {
    auto body = [] {};
    assertFailsWith(rtk::Errc::InvalidArgument, [&] { Thread("rtk-sixteen-chars", body); });
    assertFailsWith(rtk::Errc::InvalidArgument, [&] { Thread("worker", body); });
    assertFailsWith(rtk::Errc::InvalidArgument, [&] { Thread("", body); });
    Thread fifteen("rtk-fifteen-chr", body);  // exactly the limit
    CPPUNIT_ASSERT_EQUAL(std::size_t(15), fifteen.name().size());
  }

  void joinFromTwoThreadsAtOnceJoinsOnce() {
    for (int round = 0; round < 50; ++round) {
      std::atomic<bool> release{false}, finished{false};
      Thread t("rtk-test-join", [&] {
        while (!release.load()) std::this_thread::sleep_for(1ms);
        finished = true;
      });
      std::atomic<int> returned{0}, returnedEarly{0};
      auto joiner = [&] {
        t.join();
        if (!finished.load()) ++returnedEarly;
        ++returned;
      };
      std::thread a(joiner), b(joiner);
      std::this_thread::sleep_for(1ms);
      CPPUNIT_ASSERT_EQUAL(0, returned.load());
      release = true;
      a.join();
      b.join();
      CPPUNIT_ASSERT_EQUAL(2, returned.load());
      CPPUNIT_ASSERT_EQUAL(0, returnedEarly.load());
      CPPUNIT_ASSERT(!t.joinable());
    }
  }

  void joinFromTheThreadItselfIsRefused() {
    std::promise<std::string> result;  // what join() from the thread itself threw
    std::atomic<bool> go{false}, sawItself{false};
    Thread t;
    Thread* self = &t;
    t.start("rtk-test-self", [&] {
      while (!go.load()) std::this_thread::sleep_for(1ms);
      sawItself = self->isCurrent();
      try {
        self->join();
        result.set_value("returned");
      } catch (const rtk::Error& e) {
        result.set_value(rtk::errcName(e.code()));
      }
    });
    CPPUNIT_ASSERT(!t.isCurrent());
    go = true;
    auto outcome = result.get_future();
    CPPUNIT_ASSERT(outcome.wait_for(10s) == std::future_status::ready);
    CPPUNIT_ASSERT_EQUAL(std::string(rtk::errcName(rtk::Errc::InvalidArgument)), outcome.get());
    t.join();
    CPPUNIT_ASSERT(sawItself.load());
  }

  void destructorJoins() {
    std::atomic<bool> finished{false};
    {
      Thread t("rtk-test-dtor", [&] {
        std::this_thread::sleep_for(30ms);
        finished = true;
      });
    }
    CPPUNIT_ASSERT(finished.load());
  }

  void startTwiceIsRefused() {
    Thread t("rtk-test-twice", [] {});
    assertFailsWith(rtk::Errc::AlreadyExists, [&] { t.start("rtk-test-twice", [] {}); });
    t.join();
    assertFailsWith(rtk::Errc::AlreadyExists, [&] { t.start("rtk-test-twice", [] {}); });
  }

  void neverStartedJoinsAsNoOp() {
    Thread t;
    CPPUNIT_ASSERT(!t.joinable());
    t.join();
    t.join();
    CPPUNIT_ASSERT(!t.isCurrent());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ThreadTest);
