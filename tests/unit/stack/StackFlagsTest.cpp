#include <cppunit/extensions/HelperMacros.h>

#include "ratatoskr/error.hpp"
#include "stack/StackFlags.hpp"

namespace rtk::host::stack {
namespace {

std::string refusal(const std::vector<std::string>& args) {
  try {
    StackFlags::parse(args);
  } catch (const Error& e) {
    CPPUNIT_ASSERT(e.code() == Errc::InvalidArgument);
    return e.what();
  }
  CPPUNIT_FAIL("accepted");
  return "";
}

}  // namespace

class StackFlagsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StackFlagsTest);
  CPPUNIT_TEST(goFlagForms);
  CPPUNIT_TEST(booleansTakeNoSeparateValue);
  CPPUNIT_TEST(mappingsRepeatAndOldNamesAlias);
  CPPUNIT_TEST(defaults);
  CPPUNIT_TEST(errors);
  CPPUNIT_TEST(usageListsEveryFlag);
  CPPUNIT_TEST_SUITE_END();

 public:
  void goFlagForms() {
    auto f = StackFlags::parse({"-useconffile", "a.conf", "--loglevel=debug", "-logto=/tmp/x.log", "--socks", "127.0.0.1:1080",
                                "-nameserver=[200::1]:53", "-socks-max-connections", "7"});
    CPPUNIT_ASSERT_EQUAL(std::string("a.conf"), f.useconffile);
    CPPUNIT_ASSERT_EQUAL(std::string("debug"), f.loglevel);
    CPPUNIT_ASSERT(f.loglevelGiven);
    CPPUNIT_ASSERT_EQUAL(std::string("/tmp/x.log"), f.logto);
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:1080"), f.socks);
    CPPUNIT_ASSERT_EQUAL(std::string("[200::1]:53"), f.nameserver);
    CPPUNIT_ASSERT_EQUAL(7L, *f.socksMaxConnections);
    // A value may itself start with '-' or hold '=' when given separately.
    CPPUNIT_ASSERT_EQUAL(std::string("-odd=name"), StackFlags::parse({"-useconffile", "-odd=name"}).useconffile);
  }

  void booleansTakeNoSeparateValue() {
    auto f = StackFlags::parse({"-genconf", "-json=false", "--address", "-subnet=1", "-publickey=F"});
    CPPUNIT_ASSERT(f.genconf && !f.json && f.address && f.subnet && !f.publickey);
    // As Go: "-json false" sets json and leaves "false" as the first argument.
    auto g = StackFlags::parse({"-json", "false", "-version"});
    CPPUNIT_ASSERT(g.json && !g.version);
    CPPUNIT_ASSERT((g.positional == std::vector<std::string>{"false", "-version"}));
    auto h = StackFlags::parse({"-version", "--", "-address"});
    CPPUNIT_ASSERT(h.version && !h.address);
    CPPUNIT_ASSERT((h.positional == std::vector<std::string>{"-address"}));
  }

  void mappingsRepeatAndOldNamesAlias() {
    auto f = StackFlags::parse({"-remote-tcp", "22", "-exposetcp", "80:127.0.0.1:8080", "-local-tcp", "2222:[200::1]:22",
                                "-local-udp", "5353:[200::1]:53", "-remote-udp", "53", "-exposeudp=54:[::1]:5354"});
    CPPUNIT_ASSERT((f.remoteTcp == std::vector<std::string>{"22", "80:127.0.0.1:8080"}));
    CPPUNIT_ASSERT((f.remoteUdp == std::vector<std::string>{"53", "54:[::1]:5354"}));
    CPPUNIT_ASSERT((f.localTcp == std::vector<std::string>{"2222:[200::1]:22"}));
    CPPUNIT_ASSERT((f.localUdp == std::vector<std::string>{"5353:[200::1]:53"}));
  }

  void defaults() {
    auto f = StackFlags::parse({});
    CPPUNIT_ASSERT_EQUAL(std::string("stdout"), f.logto);
    CPPUNIT_ASSERT_EQUAL(std::string("info"), f.loglevel);
    CPPUNIT_ASSERT(!f.loglevelGiven && !f.socksMaxConnections && f.positional.empty());
  }

  void errors() {
    CPPUNIT_ASSERT_EQUAL(std::string("flag provided but not defined: -bogus"), refusal({"-bogus"}));
    CPPUNIT_ASSERT_EQUAL(std::string("flag needs an argument: -useconffile"), refusal({"-useconffile"}));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid boolean value \"maybe\" for -json"), refusal({"-json=maybe"}));
    CPPUNIT_ASSERT_EQUAL(std::string("bad flag syntax: ---x"), refusal({"---x"}));
    CPPUNIT_ASSERT_EQUAL(std::string("bad flag syntax: -=x"), refusal({"-=x"}));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid value \"-1\" for -socks-max-connections: want a number from 0"),
                         refusal({"-socks-max-connections=-1"}));
  }

  void usageListsEveryFlag() {
    std::string u = StackFlags::usage();
    for (const char* flag : {"-genconf", "-json", "-useconf", "-useconffile FILE", "-autoconf", "-normaliseconf", "-exportkey",
                             "-address", "-subnet", "-publickey", "-version", "-logto TARGET", "-loglevel LEVEL", "-socks ADDRESS",
                             "-nameserver", "-local-tcp MAPPING", "-local-udp MAPPING", "-remote-tcp MAPPING",
                             "-remote-udp MAPPING", "-exposetcp", "-exposeudp", "-plugin-dir DIR"})
      CPPUNIT_ASSERT_MESSAGE(flag, u.find(std::string("  ") + flag) != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StackFlagsTest);

}  // namespace rtk::host::stack
