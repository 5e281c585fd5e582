#include <cppunit/extensions/HelperMacros.h>

#include <dirent.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "core/util/Thread.hpp"
#include "ratatoskr/error.hpp"

using namespace std::chrono_literals;
using rtk::core::Thread;

namespace {

std::vector<std::string> threadNames() {
  std::vector<std::string> names;
  if (DIR* dir = ::opendir("/proc/self/task")) {
    while (dirent* entry = ::readdir(dir)) {
      if (entry->d_name[0] == '.') continue;
      std::ifstream comm(std::string("/proc/self/task/") + entry->d_name + "/comm");
      std::string name;
      std::getline(comm, name);
      names.push_back(name);
    }
    ::closedir(dir);
  }
  return names;
}

bool hasThread(const std::string& name) {
  for (const auto& n : threadNames())
    if (n == name) return true;
  return false;
}

rtk::Errc errcOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const rtk::Error& e) {
    return e.code();
  }
  return rtk::Errc::Unknown;
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
    std::promise<void> release;
    auto released = release.get_future().share();
    Thread t("rtk-test-name", [released] { released.wait(); });
    CPPUNIT_ASSERT(hasThread("rtk-test-name"));
    CPPUNIT_ASSERT_EQUAL(std::string("rtk-test-name"), t.name());
    CPPUNIT_ASSERT(t.joinable());
    release.set_value();
    t.join();
    CPPUNIT_ASSERT(!t.joinable());
    CPPUNIT_ASSERT(!hasThread("rtk-test-name"));
  }

  void badNamesAreRefused() {
    auto body = [] {};
    CPPUNIT_ASSERT(rtk::Errc::InvalidArgument == errcOf([&] { Thread("rtk-sixteen-chars", body); }));
    CPPUNIT_ASSERT(rtk::Errc::InvalidArgument == errcOf([&] { Thread("worker", body); }));
    CPPUNIT_ASSERT(rtk::Errc::InvalidArgument == errcOf([&] { Thread("", body); }));
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
    std::promise<rtk::Errc> result;
    std::atomic<bool> go{false}, sawItself{false};
    Thread t;
    Thread* self = &t;
    t.start("rtk-test-self", [&] {
      while (!go.load()) std::this_thread::sleep_for(1ms);
      sawItself = self->isCurrent();
      result.set_value(errcOf([&] { self->join(); }));
    });
    CPPUNIT_ASSERT(!t.isCurrent());
    go = true;
    auto outcome = result.get_future();
    CPPUNIT_ASSERT(outcome.wait_for(10s) == std::future_status::ready);
    CPPUNIT_ASSERT(rtk::Errc::InvalidArgument == outcome.get());
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
    CPPUNIT_ASSERT(rtk::Errc::AlreadyExists == errcOf([&] { t.start("rtk-test-twice", [] {}); }));
    t.join();
    CPPUNIT_ASSERT(rtk::Errc::AlreadyExists == errcOf([&] { t.start("rtk-test-twice", [] {}); }));
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
