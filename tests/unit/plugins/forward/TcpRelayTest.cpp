// TcpRelay between in-memory streams: bytes both ways, half-close passed
// on, the idle and close timeouts, errors resetting both sides, dial
// failures, abort at stop. Waits are bounded conditions, never timings.
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "Counters.hpp"
#include "TcpRelay.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::plugins::forward {
namespace {

// One direction of an in-memory connection.
struct Channel {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<char> bytes;
  bool eof = false;    // the writer half-closed or closed
  bool reset = false;  // the writer aborted
};

// One end of an in-memory connection: reads `in`, writes `out`.
class PipeEnd final : public Stream {
 public:
  PipeEnd(std::shared_ptr<Channel> in, std::shared_ptr<Channel> out) : in_(std::move(in)), out_(std::move(out)) {}

  std::size_t read(void* data, std::size_t size, Deadline deadline) override {
    std::unique_lock lock(in_->mutex);
    auto ready = [&] { return closed_ || !in_->bytes.empty() || in_->eof || in_->reset; };
    if (deadline) {
      if (!in_->changed.wait_until(lock, *deadline, ready)) throw Error(Errc::Timeout, "read: timed out");
    } else {
      in_->changed.wait(lock, ready);
    }
    if (closed_) throw Error(Errc::Closed, "read: closed");
    if (!in_->bytes.empty()) {
      std::size_t n = std::min(size, in_->bytes.size());
      std::copy_n(in_->bytes.begin(), n, static_cast<char*>(data));
      in_->bytes.erase(in_->bytes.begin(), in_->bytes.begin() + static_cast<std::ptrdiff_t>(n));
      return n;
    }
    if (in_->reset) throw Error(Errc::Reset, "read: reset by peer");
    return 0;
  }
  void writeAll(const void* data, std::size_t size, Deadline) override {
    std::lock_guard lock(out_->mutex);
    if (closed_ || out_->eof) throw Error(Errc::Closed, "write: closed");
    const char* p = static_cast<const char*>(data);
    out_->bytes.insert(out_->bytes.end(), p, p + size);
    out_->changed.notify_all();
  }
  void closeWrite() override { finish(false); }
  void close() override {
    finish(false);
    wakeReaders();
  }
  void abort() override {
    finish(true);
    wakeReaders();
  }
  bool closedByRelay() const { return closed_; }

 private:
  void finish(bool reset) {
    std::lock_guard lock(out_->mutex);
    out_->eof = true;
    out_->reset = out_->reset || reset;
    out_->changed.notify_all();
  }
  void wakeReaders() {
    std::lock_guard lock(in_->mutex);
    closed_ = true;
    in_->changed.notify_all();
  }
  std::shared_ptr<Channel> in_, out_;
  std::atomic<bool> closed_{false};
};

struct Pipe {
  std::unique_ptr<PipeEnd> relaySide;  // handed to the relay
  std::unique_ptr<PipeEnd> peer;       // the test plays the other end
};

Pipe makePipe() {
  auto a = std::make_shared<Channel>(), b = std::make_shared<Channel>();
  return {std::make_unique<PipeEnd>(a, b), std::make_unique<PipeEnd>(b, a)};
}

std::string readAll(PipeEnd& end) {
  std::string out;
  char buf[256];
  for (;;) {
    std::size_t n = end.read(buf, sizeof buf, Clock::now() + std::chrono::seconds(10));
    if (n == 0) return out;
    out.append(buf, n);
  }
}

// Runs a relay between a client pipe and a mapped pipe; `ended` becomes true
// when the relay says it is done.
struct Harness {
  Counters counters;
  Pipe client = makePipe(), mapped = makePipe();
  std::shared_ptr<TcpRelay> relay;
  std::mutex mutex;
  std::condition_variable doneChanged;
  bool done = false;

  explicit Harness(TcpRelay::Timeouts timeouts, bool dialFails = false) {
    relay = std::make_shared<TcpRelay>(std::move(client.relaySide), "test relay", timeouts, counters, Log());
    relay->start(
        [this, dialFails]() -> std::unique_ptr<Stream> {
          if (dialFails) throw Error(Errc::Refused, "connect [::1]:9: Connection refused");
          return std::move(mapped.relaySide);
        },
        [this](const std::shared_ptr<TcpRelay>&) {
          std::lock_guard lock(mutex);
          done = true;
          doneChanged.notify_all();
        });
  }
  ~Harness() {
    relay->abort();
    waitDone();
    relay->joinThreads();
  }
  bool waitDone(std::chrono::seconds bound = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex);
    return doneChanged.wait_for(lock, bound, [&] { return done; });
  }
};

}  // namespace

class TcpRelayTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TcpRelayTest);
  CPPUNIT_TEST(copiesBothWaysAndPassesHalfCloseOn);
  CPPUNIT_TEST(idleConnectionEnds);
  CPPUNIT_TEST(halfClosedConnectionEndsAfterTheCloseTimeout);
  CPPUNIT_TEST(errorResetsBothSides);
  CPPUNIT_TEST(dialFailureResetsTheCaller);
  CPPUNIT_TEST(abortEndsEverything);
  CPPUNIT_TEST_SUITE_END();

 public:
  void copiesBothWaysAndPassesHalfCloseOn() {
    Harness h({std::chrono::milliseconds(0), std::chrono::seconds(30)});
    h.client.peer->writeAll("hello", 5, std::nullopt);
    h.client.peer->closeWrite();
    // The mapped side reads the bytes, then the end of the stream...
    CPPUNIT_ASSERT_EQUAL(std::string("hello"), readAll(*h.mapped.peer));
    // ...and may still answer: the other direction goes on after the half-close.
    h.mapped.peer->writeAll("world!", 6, std::nullopt);
    h.mapped.peer->closeWrite();
    CPPUNIT_ASSERT_EQUAL(std::string("world!"), readAll(*h.client.peer));
    CPPUNIT_ASSERT(h.waitDone());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), Counters::get(h.counters.bytesIn));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(6), Counters::get(h.counters.bytesOut));
  }

  void idleConnectionEnds() {
    Harness h({std::chrono::milliseconds(200), std::chrono::milliseconds(100)});
    h.client.peer->writeAll("x", 1, std::nullopt);
    char c;
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.mapped.peer->read(&c, 1, Clock::now() + std::chrono::seconds(10)));
    // Then nothing either way: the relay ends and both peers see the end.
    CPPUNIT_ASSERT(h.waitDone());
    CPPUNIT_ASSERT_EQUAL(std::string(), readAll(*h.client.peer));
    CPPUNIT_ASSERT_EQUAL(std::string(), readAll(*h.mapped.peer));
  }

  void halfClosedConnectionEndsAfterTheCloseTimeout() {
    // No idle limit at all, but once the client half-closed, the mapped side
    // may stay silent only for the close timeout.
    Harness h({std::chrono::milliseconds(0), std::chrono::milliseconds(200)});
    h.client.peer->closeWrite();
    CPPUNIT_ASSERT_EQUAL(std::string(), readAll(*h.mapped.peer));
    CPPUNIT_ASSERT(h.waitDone());
    CPPUNIT_ASSERT_EQUAL(std::string(), readAll(*h.client.peer));
  }

  void errorResetsBothSides() {
    Harness h({std::chrono::milliseconds(0), std::chrono::seconds(30)});
    h.client.peer->writeAll("data", 4, std::nullopt);
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), [&] {
      char buf[4];
      return h.mapped.peer->read(buf, 4, Clock::now() + std::chrono::seconds(10));
    }());
    h.mapped.peer->abort();  // the mapped service resets
    CPPUNIT_ASSERT(h.waitDone());
    try {
      readAll(*h.client.peer);
      CPPUNIT_FAIL("the caller saw an orderly end after the mapped side reset");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::Reset);
    }
  }

  void dialFailureResetsTheCaller() {
    Harness h({std::chrono::milliseconds(0), std::chrono::seconds(30)}, true);
    CPPUNIT_ASSERT(h.waitDone());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), Counters::get(h.counters.dialFailures));
    try {
      readAll(*h.client.peer);
      CPPUNIT_FAIL("the caller was not reset");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::Reset);
    }
  }

  void abortEndsEverything() {
    Harness h({std::chrono::milliseconds(0), std::chrono::seconds(30)});
    h.client.peer->writeAll("y", 1, std::nullopt);
    char c;
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.mapped.peer->read(&c, 1, Clock::now() + std::chrono::seconds(10)));
    h.relay->abort();  // what the plugin's stop() does
    CPPUNIT_ASSERT(h.waitDone());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), Counters::get(h.counters.dialFailures));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TcpRelayTest);

}  // namespace rtk::plugins::forward
