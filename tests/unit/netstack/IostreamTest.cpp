// rtk::ConnStream / ConnStreamBuf (sdk iostream.hpp) over netstack connections.
#include <cppunit/extensions/HelperMacros.h>

#include <future>
#include <sstream>

#include "TestSupport.hpp"
#include "ratatoskr/iostream.hpp"

namespace rtk::netstack::test {

class IostreamTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(IostreamTest);
  CPPUNIT_TEST(testLineRoundTrip);
  CPPUNIT_TEST(testLargeBinaryRoundTrip);
  CPPUNIT_TEST(testErrorMakesStreamBad);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testLineRoundTrip() {
    TwoNodes n;
    auto listener = n.a->listen("tcp", ":8100");
    auto server = std::async(std::launch::async, [&] {
      ConnStream s(listener->accept(Clock::now() + std::chrono::seconds(10)));
      std::string line;
      int count = 0;
      while (std::getline(s, line)) {
        s << "echo " << ++count << ": " << line << "\n" << std::flush;
      }
      return count;
    });
    ConnStream c(n.b->dial("tcp", n.addrA(8100), {Clock::now() + std::chrono::seconds(10), {}}));
    std::string reply;
    for (int i = 1; i <= 100; ++i) {
      c << "line " << i << "\n" << std::flush;
      CPPUNIT_ASSERT(std::getline(c, reply));
      CPPUNIT_ASSERT_EQUAL("echo " + std::to_string(i) + ": line " + std::to_string(i), reply);
    }
    c.closeWrite();
    CPPUNIT_ASSERT(!std::getline(c, reply));  // the server closed after our FIN
    CPPUNIT_ASSERT(c.eof());
    CPPUNIT_ASSERT(!c.lastError());
    CPPUNIT_ASSERT_EQUAL(100, server.get());
  }

  void testLargeBinaryRoundTrip() {
    TwoNodes n;
    auto listener = n.a->listen("tcp", ":8101");
    std::vector<std::uint8_t> data(3 << 20);
    fillPattern(data, 5, 0);
    auto server = std::async(std::launch::async, [&] {
      auto conn = listener->accept(Clock::now() + std::chrono::seconds(10));
      ConnStream s(*conn);
      std::ostringstream all;
      all << s.rdbuf();  // until end of stream
      const std::string got = all.str();
      s.write(got.data(), static_cast<std::streamsize>(got.size()));
      s.close();
    });
    ConnStream c(n.b->dial("tcp", n.addrA(8101), {Clock::now() + std::chrono::seconds(10), {}}));
    c.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    c.closeWrite();
    std::vector<char> back(data.size() + 10);
    c.read(back.data(), static_cast<std::streamsize>(back.size()));
    CPPUNIT_ASSERT_EQUAL(static_cast<std::streamsize>(data.size()), c.gcount());
    CPPUNIT_ASSERT(std::equal(data.begin(), data.end(), reinterpret_cast<const std::uint8_t*>(back.data())));
    server.get();
  }

  void testErrorMakesStreamBad() {
    TwoNodes n;
    auto listener = n.a->listen("tcp", ":8102");
    auto accepted = std::async(std::launch::async, [&] { return listener->accept(Clock::now() + std::chrono::seconds(10)); });
    ConnStream c(n.b->dial("tcp", n.addrA(8102), {Clock::now() + std::chrono::seconds(10), {}}));
    auto keep = accepted.get();
    c.conn().setReadDeadline(Clock::now() + std::chrono::milliseconds(100));
    std::string word;
    c >> word;
    CPPUNIT_ASSERT(c.bad());
    CPPUNIT_ASSERT(c.lastError().has_value());
    CPPUNIT_ASSERT_EQUAL(Errc::Timeout, c.lastError()->code());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(IostreamTest);

}  // namespace rtk::netstack::test
