// Issue 5 d: long TCP streams between our userspace stack and the real
// node's kernel TCP, errors a dialler must see, and closing the node while
// transfers run.
#include "RealAndOurs.hpp"
#include "Streams.hpp"
#include "Trace.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <thread>

using namespace rtk::interop;

namespace {

using Clock = std::chrono::steady_clock;

// 1 GiB each way; RTK_INTEROP_BIG_BYTES overrides it (e.g. for a quick run).
std::uint64_t bigBytes() {
  if (const char* v = std::getenv("RTK_INTEROP_BIG_BYTES")) return std::strtoull(v, nullptr, 10);
  return 1ull << 30;
}

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string rate(std::uint64_t bytes, double seconds) {
  return std::to_string(static_cast<int>(bytes / 1e6 / seconds)) + " MB/s";
}

// Waits for the peer's close after our half-close (the kernel side closes once it has read everything).
void drainToEnd(rtk::Conn& conn) {
  char b[4096];
  conn.setReadDeadline(rtk::Clock::now() + std::chrono::seconds(30));
  while (conn.read(b, sizeof b) != 0) {
  }
}

}  // namespace

class StreamTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StreamTest);
  CPPUNIT_TEST(gigabyteEachWayIsIntact);
  CPPUNIT_TEST(refusedQuicklyAndUnreachableAtDeadline);
  CPPUNIT_TEST(closingTheNodeEndsTransfersWithAnError);
  CPPUNIT_TEST_SUITE_END();

 public:
  void gigabyteEachWayIsIntact() {
    Lab lab("ep-stream");
    RealAndOurs pair(lab);
    rtk::Node& node = pair.ours().node();
    const std::uint64_t bytes = bigBytes();
    const int bound = 600000;

    // ours -> real (kernel receiver on the TUN address)
    XferProcess sink = XferProcess::receiver(pair.realNs(), pair.real().address(), 9100, bound, lab.file("recv.log"));
    std::unique_ptr<rtk::Conn> out;
    const auto dialBy = Clock::now() + std::chrono::seconds(20);
    while (!out) {  // the receiver may still be starting: refused means "not yet"
      try {
        out = node.dial("tcp", "[" + pair.real().address() + "]:9100", rtk::DialOptions{dialBy, {}});
      } catch (const rtk::Error& e) {
        if (e.code() != rtk::Errc::Refused || Clock::now() > dialBy) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    const StreamDigest sent = sendStream(*out, bytes, 0x5eed);
    drainToEnd(*out);
    out->close();
    const StreamDigest got = sink.result(bound);
    trace("ours->real: " + std::to_string(got.bytes) + " bytes, " + rate(sent.bytes, sent.seconds));
    CPPUNIT_ASSERT_EQUAL(bytes, got.bytes);
    CPPUNIT_ASSERT_EQUAL(sent.sha256, got.sha256);

    // real -> ours (kernel sender to our listener)
    auto listener = node.listen("tcp", ":9101");
    XferProcess source = XferProcess::sender(pair.realNs(), pair.ours().address(), 9101, bytes, bound, lab.file("send.log"));
    auto in = listener->accept(rtk::Clock::now() + std::chrono::seconds(30));
    const StreamDigest received = receiveStream(*in);
    in->close();
    const StreamDigest reported = source.result(bound);
    trace("real->ours: " + std::to_string(received.bytes) + " bytes, " + rate(received.bytes, received.seconds));
    CPPUNIT_ASSERT_EQUAL(bytes, received.bytes);
    CPPUNIT_ASSERT_EQUAL(reported.sha256, received.sha256);
  }

  void refusedQuicklyAndUnreachableAtDeadline() {
    Lab lab("ep-errors");
    RealAndOurs pair(lab);
    rtk::Node& node = pair.ours().node();

    // Nothing listens on port 9999 of the real node: its kernel answers RST.
    auto t0 = Clock::now();
    try {
      node.dial("tcp", "[" + pair.real().address() + "]:9999",
                rtk::DialOptions{rtk::Clock::now() + std::chrono::seconds(20), {}});
      CPPUNIT_FAIL("dial to a closed port succeeded");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(e.what(), static_cast<int>(rtk::Errc::Refused), static_cast<int>(e.code()));
    }
    const double refused = secondsSince(t0);
    trace("refused after " + std::to_string(refused) + " s");
    CPPUNIT_ASSERT_MESSAGE("refusal took " + std::to_string(refused) + " s", refused < 5.0);

    // An address in 200::/7 that no node has: nothing answers, the dial ends at its deadline.
    const std::string nobody = "[200:dead:beef:1234:5678:9abc:def0:1]:80";
    t0 = Clock::now();
    try {
      node.dial("tcp", nobody, rtk::DialOptions{rtk::Clock::now() + std::chrono::seconds(3), {}});
      CPPUNIT_FAIL("dial to an unreachable address succeeded");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(e.what(), static_cast<int>(rtk::Errc::Timeout), static_cast<int>(e.code()));
    }
    const double timedOut = secondsSince(t0);
    trace("unreachable dial timed out after " + std::to_string(timedOut) + " s (deadline 3 s)");
    CPPUNIT_ASSERT(timedOut >= 2.9);
    CPPUNIT_ASSERT_MESSAGE("timed out after " + std::to_string(timedOut) + " s", timedOut < 6.0);  // a loaded CI machine wakes late
  }

  void closingTheNodeEndsTransfersWithAnError() {
    Lab lab("ep-close");
    RealAndOurs pair(lab);
    rtk::Node& node = pair.ours().node();
    const int bound = 120000;

    XferProcess sink = XferProcess::receiver(pair.realNs(), pair.real().address(), 9100, bound, lab.file("recv.log"));
    auto listener = node.listen("tcp", ":9101");
    XferProcess source =
        XferProcess::sender(pair.realNs(), pair.ours().address(), 9101, 3ull << 30, bound, lab.file("send.log"));

    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the receiver bind
    auto out = node.dial("tcp", "[" + pair.real().address() + "]:9100",
                         rtk::DialOptions{rtk::Clock::now() + std::chrono::seconds(20), {}});
    auto in = listener->accept(rtk::Clock::now() + std::chrono::seconds(30));

    auto sending = std::async(std::launch::async, [&]() -> std::string {
      try {
        sendStream(*out, 3ull << 30, 1);
        return "finished";
      } catch (const rtk::Error& e) {
        return std::string("error ") + rtk::errcName(e.code()) + ": " + e.what();
      }
    });
    auto receiving = std::async(std::launch::async, [&]() -> std::string {
      try {
        receiveStream(*in);
        return "finished";
      } catch (const rtk::Error& e) {
        return std::string("error ") + rtk::errcName(e.code()) + ": " + e.what();
      }
    });
    std::this_thread::sleep_for(std::chrono::seconds(2));  // transfers in full flow

    const auto t0 = Clock::now();
    const std::string closeError = pair.ours().close();
    const double closing = secondsSince(t0);
    trace("node closed during transfers in " + std::to_string(closing) + " s" +
          (closeError.empty() ? "" : " (" + closeError + ")"));
    CPPUNIT_ASSERT_MESSAGE(closeError, closeError.empty());
    CPPUNIT_ASSERT(sending.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    CPPUNIT_ASSERT(receiving.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    const std::string s = sending.get(), r = receiving.get();
    trace("sender: " + s + "; receiver: " + r);
    CPPUNIT_ASSERT_MESSAGE(s, s.rfind("error closed", 0) == 0);
    CPPUNIT_ASSERT_MESSAGE(r, r.rfind("error closed", 0) == 0);
    CPPUNIT_ASSERT(node.closed());
    CPPUNIT_ASSERT_THROW(node.dial("tcp", "[" + pair.real().address() + "]:9100"), rtk::Error);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StreamTest);
