#include "Lab.hpp"
#include "TcpTransfer.hpp"

#include <ratatoskr/error.hpp>

#include <cppunit/extensions/HelperMacros.h>

using namespace rtk::interop;

class TcpTransferTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TcpTransferTest);
  CPPUNIT_TEST(bytesArriveIntactOverAVeth);
  CPPUNIT_TEST(noReceiverFailsWithinTheBound);
  CPPUNIT_TEST_SUITE_END();

 public:
  void bytesArriveIntactOverAVeth() {
    Lab lab("self-xfer");
    Netns& a = lab.addNetns("a");
    Netns& b = lab.addNetns("b");
    const VethLink& link = lab.connect(a, b);
    const TransferResult r = tcpTransfer(a, b, link.b().ipv6, 7300, 5 * 1024 * 1024 + 3, 20000, lab.dir());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{5 * 1024 * 1024 + 3}, r.bytesSent);
    CPPUNIT_ASSERT_EQUAL(r.bytesSent, r.bytesReceived);
    CPPUNIT_ASSERT_EQUAL(std::size_t{64}, r.sha256Sent.size());
    CPPUNIT_ASSERT(r.intact());
    CPPUNIT_ASSERT(r.megabitsPerSecond() > 0);
  }

  void noReceiverFailsWithinTheBound() {
    Lab lab("self-xfer");
    Netns& a = lab.addNetns("a");
    Netns& b = lab.addNetns("b");
    lab.connect(a, b);
    // The receiver binds an address b does not have: it fails, the sender
    // retries until its deadline, and the helper reports both.
    try {
      tcpTransfer(a, b, "fd72:746b:0:99::9", 7300, 1024, 1500, lab.dir());
      CPPUNIT_FAIL("expected rtk::Error");
    } catch (const rtk::Error& e) {
      const std::string what = e.what();
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Io);
      CPPUNIT_ASSERT(what.find("sender") != std::string::npos);
      CPPUNIT_ASSERT(what.find("receiver") != std::string::npos);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TcpTransferTest);
