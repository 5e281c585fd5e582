// Netstack: the non-blocking form of a TCP conn (readinessFd, tryRead,
// tryWrite) as an epoll loop uses it. Two netstacks joined by a pipe.
#include <cppunit/extensions/HelperMacros.h>
#include <poll.h>
#include <unistd.h>

#include <future>

#include "TestSupport.hpp"

namespace rtk::netstack::test {

namespace {

using namespace std::chrono_literals;

// Whether `fd` polls readable within `ms` (a wait for a condition, not a timing).
bool readinessSignalled(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

void drainReadiness(int fd) {
  std::uint64_t count;
  [[maybe_unused]] auto n = ::read(fd, &count, sizeof count);
}

Errc errcOfTry(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return Errc::Unknown;
}

// A connected pair: `dialed` on B, `accepted` on A.
struct ConnPair {
  explicit ConnPair(std::uint16_t port) {
    listener = nodes.a->listen("tcp", ":" + std::to_string(port));
    auto server = std::async(std::launch::async, [&] { return listener->accept(Clock::now() + 10000ms); });
    dialed = nodes.b->dial("tcp", nodes.addrA(port), {Clock::now() + 10000ms, {}});
    accepted = server.get();
  }
  TwoNodes nodes;
  std::unique_ptr<Listener> listener;
  std::unique_ptr<Conn> dialed, accepted;
};

}  // namespace

class NonBlockingTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NonBlockingTest);
  CPPUNIT_TEST(testReadinessOnData);
  CPPUNIT_TEST(testReadinessOnWindowSpace);
  CPPUNIT_TEST(testReadinessOnPeerClose);
  CPPUNIT_TEST(testReadinessOnReset);
  CPPUNIT_TEST(testClosedConnRefusesTryCalls);
  CPPUNIT_TEST(testUdpConnHasNoNonBlockingForm);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testReadinessOnData() {
    ConnPair p(7100);
    const int fd = p.dialed->readinessFd();
    CPPUNIT_ASSERT(fd >= 0);
    CPPUNIT_ASSERT_EQUAL(fd, p.dialed->readinessFd());  // one per conn
    CPPUNIT_ASSERT(readinessSignalled(fd, 0));           // created signalled: try first
    drainReadiness(fd);
    char buf[64];
    CPPUNIT_ASSERT(!p.dialed->tryRead(buf, sizeof buf).has_value());  // nothing yet: would block, at once
    CPPUNIT_ASSERT(!readinessSignalled(fd, 0));
    p.accepted->write("hello", 5);
    CPPUNIT_ASSERT(readinessSignalled(fd, 10000));
    drainReadiness(fd);
    std::string got;
    while (got.size() < 5) {
      auto n = p.dialed->tryRead(buf, sizeof buf);
      if (!n) {
        CPPUNIT_ASSERT(readinessSignalled(fd, 10000));
        drainReadiness(fd);
        continue;
      }
      CPPUNIT_ASSERT(*n > 0);
      got.append(buf, *n);
    }
    CPPUNIT_ASSERT_EQUAL(std::string("hello"), got);
    CPPUNIT_ASSERT(!p.dialed->tryRead(buf, sizeof buf).has_value());
  }

  void testReadinessOnWindowSpace() {
    ConnPair p(7101);
    const int fd = p.dialed->readinessFd();
    drainReadiness(fd);
    // The peer does not read: tryWrite fills every buffer and then says
    // "would block" (0) instead of waiting.
    std::vector<std::uint8_t> chunk(64 << 10, 0x5a);
    std::uint64_t queued = 0;
    for (;;) {
      std::size_t n = p.dialed->tryWrite(chunk.data(), chunk.size());
      CPPUNIT_ASSERT(n <= chunk.size());
      if (n == 0) break;
      queued += n;
      CPPUNIT_ASSERT_MESSAGE("the send buffer never filled", queued < (256ull << 20));
    }
    CPPUNIT_ASSERT(queued >= (1u << 20));
    // Reading on the other side makes room: the descriptor fires and
    // tryWrite takes bytes again.
    std::vector<std::uint8_t> sink(256 << 10);
    std::uint64_t read = 0;
    bool writable = false;
    while (!writable) {
      read += p.accepted->read(sink.data(), sink.size());
      if (!readinessSignalled(fd, read >= queued ? 10000 : 0)) continue;
      drainReadiness(fd);
      writable = p.dialed->tryWrite(chunk.data(), 1) == 1;
      CPPUNIT_ASSERT_MESSAGE("signalled but never writable after everything was read", writable || read < queued);
    }
    std::printf("\n  tryWrite queued %llu bytes before would-block\n", static_cast<unsigned long long>(queued));
  }

  void testReadinessOnPeerClose() {
    ConnPair p(7102);
    const int fd = p.dialed->readinessFd();
    drainReadiness(fd);
    char buf[16];
    CPPUNIT_ASSERT(!p.dialed->tryRead(buf, sizeof buf).has_value());
    p.accepted->write("bye", 3);
    p.accepted->closeWrite();
    std::string got;
    for (;;) {
      auto n = p.dialed->tryRead(buf, sizeof buf);
      if (!n) {
        CPPUNIT_ASSERT(readinessSignalled(fd, 10000));
        drainReadiness(fd);
        continue;
      }
      if (*n == 0) break;  // end of stream, reported at once
      got.append(buf, *n);
    }
    CPPUNIT_ASSERT_EQUAL(std::string("bye"), got);
    // Half-closed: this side still writes.
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, p.dialed->tryWrite("ok", 2));
    std::string back(2, '\0');
    std::size_t got2 = 0;
    while (got2 < 2) got2 += p.accepted->read(back.data() + got2, 2 - got2);
    CPPUNIT_ASSERT_EQUAL(std::string("ok"), back);
  }

  void testReadinessOnReset() {
    ConnPair p(7103);
    const int fd = p.dialed->readinessFd();
    drainReadiness(fd);
    char buf[16];
    CPPUNIT_ASSERT(!p.dialed->tryRead(buf, sizeof buf).has_value());
    p.accepted->abort();  // the peer sends a reset
    CPPUNIT_ASSERT(readinessSignalled(fd, 10000));
    drainReadiness(fd);
    Errc code = Errc::Unknown;
    for (int i = 0; i < 100 && code == Errc::Unknown; ++i) {
      code = errcOfTry([&] {
        if (!p.dialed->tryRead(buf, sizeof buf)) {
          CPPUNIT_ASSERT(readinessSignalled(fd, 10000));
          drainReadiness(fd);
        }
      });
    }
    CPPUNIT_ASSERT_EQUAL(Errc::Reset, code);
    CPPUNIT_ASSERT_EQUAL(Errc::Reset, errcOfTry([&] { p.dialed->tryWrite("x", 1); }));
  }

  void testClosedConnRefusesTryCalls() {
    ConnPair p(7104);
    const int fd = p.dialed->readinessFd();
    drainReadiness(fd);
    char buf[4];
    CPPUNIT_ASSERT(!p.dialed->tryRead(buf, sizeof buf).has_value());
    p.dialed->close();
    CPPUNIT_ASSERT(readinessSignalled(fd, 10000));  // a close from another thread wakes the loop too
    CPPUNIT_ASSERT_EQUAL(Errc::Closed, errcOfTry([&] { p.dialed->tryRead(buf, sizeof buf); }));
    CPPUNIT_ASSERT_EQUAL(Errc::Closed, errcOfTry([&] { p.dialed->tryWrite("x", 1); }));
  }

  void testUdpConnHasNoNonBlockingForm() {
    TwoNodes n;
    auto c = n.b->dial("udp", n.addrA(7105), {Clock::now() + 10000ms, {}});
    CPPUNIT_ASSERT_EQUAL(Errc::NotSupported, errcOfTry([&] { c->readinessFd(); }));
    char buf[4];
    CPPUNIT_ASSERT_EQUAL(Errc::NotSupported, errcOfTry([&] { c->tryRead(buf, sizeof buf); }));
    CPPUNIT_ASSERT_EQUAL(Errc::NotSupported, errcOfTry([&] { c->tryWrite("x", 1); }));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NonBlockingTest);

}  // namespace rtk::netstack::test
