#include <cppunit/extensions/HelperMacros.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "common/ProcessCounters.hpp"
#include "core/link/LinkReactor.hpp"
#include "core/link/Resolver.hpp"

using namespace std::chrono_literals;
using rtk::core::link::LinkReactor;
using rtk::core::link::Pollable;
using rtk::core::link::Resolver;

namespace {

// A pollable whose drive() runs a test-supplied step and counts its calls.
class Scripted : public Pollable {
 public:
  std::function<Interest(std::uint32_t events, int call)> step;
  std::atomic<int> calls{0};  // drives completed: what the step did is visible once counted
  std::atomic<std::thread::id> thread{};

  Interest drive(std::uint32_t events) override {
    thread.store(std::this_thread::get_id());
    const int call = ++started_;
    Interest in = step(events, call);
    calls.store(call);
    return in;
  }

 private:
  int started_ = 0;  // the pollable's own thread only
};

bool waitFor(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

struct SocketPair {
  int a = -1, b = -1;
  SocketPair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0) {
      a = fds[0];
      b = fds[1];
    }
  }
  ~SocketPair() {
    if (a >= 0) ::close(a);
    if (b >= 0) ::close(b);
  }
};

}  // namespace

class LinkReactorTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LinkReactorTest);
  CPPUNIT_TEST(readinessPokesAndDeadlinesDrivePollables);
  CPPUNIT_TEST(aNewSocketUnderTheSameNumberIsWatched);
  CPPUNIT_TEST(againYieldsAndFinishedIsForgotten);
  CPPUNIT_TEST(threadsDoNotGrowWithPollables);
  CPPUNIT_TEST(resolverAnswersLiteralsNamesAndFailures);
  CPPUNIT_TEST_SUITE_END();

 public:
  void readinessPokesAndDeadlinesDrivePollables() {
    // What the steps use is declared before the reactor, which is destroyed
    // (and joins its threads) first.
    SocketPair pair;
    std::atomic<std::uint32_t> lastEvents{0};
    const auto start = std::chrono::steady_clock::now() + 200ms;
    LinkReactor reactor(2);
    auto p = std::make_shared<Scripted>();
    p->step = [&](std::uint32_t events, int) {
      lastEvents.store(events);
      char buf[16];
      while (::read(pair.a, buf, sizeof buf) > 0) {
      }
      Pollable::Interest in;
      in.fd = pair.a;
      in.readable = true;
      in.socketGeneration = 1;
      return in;
    };
    const auto slot = reactor.assign();
    reactor.attach(slot, p);
    CPPUNIT_ASSERT(waitFor([&] { return p->calls.load() == 1; }));  // the first drive
    CPPUNIT_ASSERT_EQUAL(1u, reactor.attached() == 1 ? 1u : 0u);
    CPPUNIT_ASSERT(::write(pair.b, "x", 1) == 1);
    CPPUNIT_ASSERT(waitFor([&] { return p->calls.load() == 2; }));
    CPPUNIT_ASSERT(lastEvents.load() != 0);  // driven for readability
    reactor.poke(slot);
    CPPUNIT_ASSERT(waitFor([&] { return p->calls.load() == 3; }));
    CPPUNIT_ASSERT_EQUAL(0u, lastEvents.load());  // a poke carries no events
    std::this_thread::sleep_for(50ms);
    CPPUNIT_ASSERT_EQUAL(3, p->calls.load());  // nothing ready: not driven

    // A deadline runs it without any readiness.
    auto timed = std::make_shared<Scripted>();
    timed->step = [&](std::uint32_t, int call) {
      Pollable::Interest in;
      if (call == 1) in.deadline = start;
      return in;
    };
    reactor.attach(reactor.assign(), timed);
    CPPUNIT_ASSERT(waitFor([&] { return timed->calls.load() == 2; }));
    CPPUNIT_ASSERT(std::chrono::steady_clock::now() >= start);
    CPPUNIT_ASSERT(!reactor.inLoop(slot));  // the test thread is none of them
  }

  void aNewSocketUnderTheSameNumberIsWatched() {
    // Everything the step uses is declared before the reactor, which is
    // destroyed (and joins its thread) first.
    auto first = std::make_unique<SocketPair>();
    const int number = first->a;
    std::unique_ptr<SocketPair> second;
    std::uint64_t generation = 1;
    LinkReactor::Slot slot;
    LinkReactor reactor(1);
    slot = reactor.assign();
    auto p = std::make_shared<Scripted>();
    p->step = [&](std::uint32_t, int call) {
      if (call == 2) {
        // As a link moving on to its next address: release, close, reopen,
        // and the kernel hands out the same number.
        reactor.release(slot);
        first.reset();
        second = std::make_unique<SocketPair>();
        ++generation;
      }
      Pollable::Interest in;
      in.fd = call >= 2 ? second->a : number;
      char drained[8];
      while (::read(in.fd, drained, sizeof drained) > 0) {
      }
      in.readable = true;
      in.socketGeneration = generation;
      return in;
    };
    reactor.attach(slot, p);
    CPPUNIT_ASSERT(waitFor([&] { return p->calls.load() == 1; }));
    reactor.poke(slot);
    CPPUNIT_ASSERT(waitFor([&] { return p->calls.load() == 2; }));
    CPPUNIT_ASSERT_EQUAL(number, second->a);  // the premise: the number came back
    CPPUNIT_ASSERT(::write(second->b, "y", 1) == 1);
    CPPUNIT_ASSERT_MESSAGE("readable new socket drives the pollable", waitFor([&] { return p->calls.load() >= 3; }));
  }

  void againYieldsAndFinishedIsForgotten() {
    std::atomic<int> otherCallsSeenByBusy{-1};
    LinkReactor::Slot busySlot, otherSlot;
    auto busy = std::make_shared<Scripted>();
    auto other = std::make_shared<Scripted>();
    LinkReactor reactor(1);  // after what the steps use: it stops first
    busySlot = reactor.assign();
    otherSlot = reactor.assign();
    busy->step = [&](std::uint32_t, int call) {
      // While it repeats, another pollable poked now is driven before
      // this one's next-but-one turn: one loop turn handles pokes and repeats.
      if (call == 10) reactor.poke(otherSlot);
      if (call == 12) otherCallsSeenByBusy.store(other->calls.load());
      Pollable::Interest in;
      in.again = call < 50;  // a link with a read budget used up, 49 times
      in.finished = call == 60;
      return in;
    };
    other->step = [&](std::uint32_t, int) { return Pollable::Interest{}; };
    reactor.attach(otherSlot, other);
    CPPUNIT_ASSERT(waitFor([&] { return other->calls.load() == 1; }));
    reactor.attach(busySlot, busy);
    CPPUNIT_ASSERT(waitFor([&] { return busy->calls.load() == 50; }));
    CPPUNIT_ASSERT_EQUAL(2, otherCallsSeenByBusy.load());  // got its turn among the repeats
    for (int i = 0; i < 10; ++i) {
      reactor.poke(busySlot);
      CPPUNIT_ASSERT(waitFor([&, want = 51 + i] { return busy->calls.load() == want; }));
    }
    CPPUNIT_ASSERT(waitFor([&] { return reactor.attached() == 1; }));  // finished: dropped
    reactor.poke(busySlot);
    std::this_thread::sleep_for(30ms);
    CPPUNIT_ASSERT_EQUAL(60, busy->calls.load());  // never driven again
    CPPUNIT_ASSERT_EQUAL(1L, busy.use_count());    // and no longer referenced
  }

  void threadsDoNotGrowWithPollables() {
    const std::size_t before = rtk::test::settledThreadCount();
    {
      std::vector<std::unique_ptr<SocketPair>> pairs;
      LinkReactor reactor(2);
      std::vector<std::shared_ptr<Scripted>> all;
      for (int i = 0; i < 500; ++i) {
        pairs.push_back(std::make_unique<SocketPair>());
        auto p = std::make_shared<Scripted>();
        const int fd = pairs.back()->a;
        p->step = [fd](std::uint32_t, int) {
          Pollable::Interest in;
          in.fd = fd;
          in.readable = true;
          in.socketGeneration = 1;
          return in;
        };
        reactor.attach(reactor.assign(), p);
        all.push_back(p);
      }
      CPPUNIT_ASSERT(waitFor([&] { return reactor.attached() == 500; }));
      CPPUNIT_ASSERT_EQUAL(before + 2, rtk::test::threadCount());
      // Spread over both loops, round robin.
      std::set<std::thread::id> threads;
      for (auto& p : all) {
        CPPUNIT_ASSERT(waitFor([&] { return p->calls.load() >= 1; }));
        threads.insert(p->thread.load());
      }
      CPPUNIT_ASSERT_EQUAL(std::size_t(2), threads.size());
      reactor.stop();
      CPPUNIT_ASSERT_EQUAL(std::size_t(0), reactor.attached());
      CPPUNIT_ASSERT_THROW(reactor.attach(reactor.assign(), all.front()), rtk::Error);
    }
    CPPUNIT_ASSERT_EQUAL(before, rtk::test::settledThreadCount());
  }

  void resolverAnswersLiteralsNamesAndFailures() {
    Resolver resolver(2);
    std::mutex m;
    std::condition_variable cv;
    int answers = 0;
    std::vector<std::string> got;
    std::string failure;
    auto done = [&](std::vector<rtk::core::link::SocketAddress> addresses, std::optional<rtk::Error> error) {
      std::lock_guard lock(m);
      if (error) failure = error->what();
      for (auto& a : addresses) got.push_back(a.toString());
      ++answers;
      cv.notify_all();
    };
    resolver.resolve("localhost", 7100, done);
    resolver.resolve("name.invalid", 7100, done);
    {
      std::unique_lock lock(m);
      CPPUNIT_ASSERT(cv.wait_for(lock, 20s, [&] { return answers == 2; }));
    }
    CPPUNIT_ASSERT(!got.empty());
    CPPUNIT_ASSERT_MESSAGE(got.front(), got.front().find(":7100") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(failure, failure.find("lookup name.invalid") != std::string::npos);
    resolver.stop();
    resolver.resolve("localhost", 7100, done);  // answered inline once stopped
    std::lock_guard lock(m);
    CPPUNIT_ASSERT_EQUAL(3, answers);
    CPPUNIT_ASSERT_MESSAGE(failure, failure.find("node stopping") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LinkReactorTest);
