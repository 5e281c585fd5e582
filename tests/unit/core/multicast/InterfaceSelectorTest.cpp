#include <cppunit/extensions/HelperMacros.h>

#include "core/multicast/InterfaceSelector.hpp"
#include "ratatoskr/error.hpp"

using rtk::MulticastInterfaceConfig;
using rtk::core::multicast::InterfaceSelector;
using rtk::core::multicast::NetInterface;

namespace {

NetInterface usable(const std::string& name, unsigned index) {
  NetInterface n;
  n.name = name;
  n.index = index;
  n.up = n.running = n.multicast = true;
  n.linkLocal = {"fe80::1"};
  return n;
}

MulticastInterfaceConfig entry(const std::string& regex, std::uint16_t port, bool beacon = true, bool listen = true) {
  MulticastInterfaceConfig e;
  e.regex = regex;
  e.port = port;
  e.beacon = beacon;
  e.listen = listen;
  return e;
}

}  // namespace

class InterfaceSelectorTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(InterfaceSelectorTest);
  CPPUNIT_TEST(firstMatchingEntryInConfOrderWins);
  CPPUNIT_TEST(regexIsAnUnanchoredSearch);
  CPPUNIT_TEST(unusableInterfacesAreSkipped);
  CPPUNIT_TEST(entriesThatDoNothingOrHaveLongPasswordsAreSkipped);
  CPPUNIT_TEST(invalidRegexNamesTheEntry);
  CPPUNIT_TEST_SUITE_END();

 public:
  void firstMatchingEntryInConfOrderWins() {
    InterfaceSelector s({entry("^eth", 1), entry(".*", 2), entry("eth0", 3)});
    auto out = s.select({usable("eth0", 2), usable("wlan0", 3)});
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), out.size());
    CPPUNIT_ASSERT_EQUAL(std::string("eth0"), out[0].os.name);
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(1), out[0].entry.port);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), out[0].entryIndex);
    CPPUNIT_ASSERT_EQUAL(std::string("wlan0"), out[1].os.name);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), out[1].entryIndex);
  }

  void regexIsAnUnanchoredSearch() {
    InterfaceSelector s({entry("lan", 0)});
    auto out = s.select({usable("wlan0", 2), usable("eth0", 3)});
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), out.size());
    CPPUNIT_ASSERT_EQUAL(std::string("wlan0"), out[0].os.name);
  }

  void unusableInterfacesAreSkipped() {
    InterfaceSelector s({entry(".*", 0)});
    NetInterface down = usable("down0", 2), notRunning = usable("idle0", 3), noMulticast = usable("lo", 1),
                 p2p = usable("tun0", 4);
    down.up = false;
    notRunning.running = false;
    noMulticast.multicast = false;
    p2p.pointToPoint = true;
    auto out = s.select({down, notRunning, noMulticast, p2p, usable("eth0", 5)});
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), out.size());
    CPPUNIT_ASSERT_EQUAL(std::string("eth0"), out[0].os.name);
  }

  void entriesThatDoNothingOrHaveLongPasswordsAreSkipped() {
    MulticastInterfaceConfig longPassword = entry(".*", 1);
    longPassword.password = std::string(65, 'p');
    InterfaceSelector s({entry(".*", 9, false, false), longPassword, entry("eth", 3, false, true)});
    auto out = s.select({usable("eth0", 2), usable("wlan0", 3)});
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), out.size());
    CPPUNIT_ASSERT_EQUAL(std::string("eth0"), out[0].os.name);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), out[0].entryIndex);
    CPPUNIT_ASSERT(!out[0].entry.beacon);
  }

  void invalidRegexNamesTheEntry() {
    try {
      InterfaceSelector s({entry("eth", 0), entry("(unclosed", 0)});
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Config);
      CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("MulticastInterfaces[1].Regex: invalid multicast regex \"(unclosed\"") != std::string::npos);
      return;
    }
    CPPUNIT_FAIL("an invalid regex must be refused");
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(InterfaceSelectorTest);
