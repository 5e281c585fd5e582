#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "peermgr/CandidateUri.hpp"
#include "ratatoskr/error.hpp"

using rtk::Errc;
using rtk::Error;
using rtk::peermgr::parseCandidateUri;

namespace {

Error uriRefusal(const std::string& text) {
  try {
    parseCandidateUri(text);
  } catch (const Error& e) {
    return e;
  }
  CPPUNIT_FAIL("accepted \"" + text + "\"");
  return Error(Errc::Unknown, "");
}

}  // namespace

class CandidateUriTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CandidateUriTest);
  CPPUNIT_TEST(normalisesSchemeAndHostKeepsQuery);
  CPPUNIT_TEST(identityDropsUserinfoQueryFragmentKeepsPath);
  CPPUNIT_TEST(acceptsIpv6AndUnixPaths);
  CPPUNIT_TEST(refusesMalformed);
  CPPUNIT_TEST(refusesSchemesThisNodeCannotDial);
  CPPUNIT_TEST(redactsQueryInMessages);
  CPPUNIT_TEST_SUITE_END();

 public:
  void normalisesSchemeAndHostKeepsQuery() {
    auto u = parseCandidateUri("  TLS://Ygg1.MK16.de:1338?key=0000000087EE  ");
    CPPUNIT_ASSERT_EQUAL(std::string("tls://ygg1.mk16.de:1338?key=0000000087EE"), u.uri);
    CPPUNIT_ASSERT_EQUAL(std::string("tls://ygg1.mk16.de:1338"), u.identity);
    CPPUNIT_ASSERT_EQUAL(std::string("tls"), u.scheme);
    CPPUNIT_ASSERT_EQUAL(std::string("0000000087EE"), u.pinnedKey());
    CPPUNIT_ASSERT_EQUAL(std::string("tls://ygg1.mk16.de:1338?…"), u.redacted());
  }

  void identityDropsUserinfoQueryFragmentKeepsPath() {
    auto a = parseCandidateUri("socks://user:pw@proxy:1080/a.example:443?x=1#frag");
    CPPUNIT_ASSERT_EQUAL(std::string("socks://proxy:1080/a.example:443"), a.identity);
    auto b = parseCandidateUri("socks://proxy:1080/b.example:443");
    CPPUNIT_ASSERT(a.identity != b.identity);
    CPPUNIT_ASSERT_EQUAL(parseCandidateUri("tls://h:1?key=A").identity, parseCandidateUri("tls://h:1?key=B").identity);
    CPPUNIT_ASSERT_EQUAL(std::string("tcp://[2a09:5302:ffff::132a]:65535"), rtk::peermgr::identityOf("tcp://[2a09:5302:ffff::132a]:65535"));
  }

  void acceptsIpv6AndUnixPaths() {
    CPPUNIT_ASSERT_EQUAL(std::string("tcp://[2a00:b700::a:279]:12402"),
                         parseCandidateUri("tcp://[2A00:B700::A:279]:12402").uri);
    CPPUNIT_ASSERT_EQUAL(std::string("unix:///run/ygg.sock"), parseCandidateUri("unix:///run/ygg.sock").identity);
    CPPUNIT_ASSERT_EQUAL(std::string("tcp://[fe80::1%eth0]:1234"), rtk::peermgr::identityOf("tcp://[fe80::1%eth0]:1234"));
  }

  void refusesMalformed() {
    CPPUNIT_ASSERT(std::string(uriRefusal("tcp://").what()).find("no host") != std::string::npos);
    CPPUNIT_ASSERT(std::string(uriRefusal("peer-without-scheme").what()).find("no \"<scheme>://\"") != std::string::npos);
    CPPUNIT_ASSERT(std::string(uriRefusal("tcp://h:99999").what()).find("port") != std::string::npos);
    CPPUNIT_ASSERT(std::string(uriRefusal("tcp://h:x1").what()).find("port") != std::string::npos);
    CPPUNIT_ASSERT(std::string(uriRefusal("tcp://[::1:5").what()).find("unbalanced") != std::string::npos);
    CPPUNIT_ASSERT(std::string(uriRefusal("tcp://::1:5").what()).find("brackets") != std::string::npos);
    CPPUNIT_ASSERT(std::string(uriRefusal("tcp://a b:1").what()).find("space") != std::string::npos);
    CPPUNIT_ASSERT(std::string(uriRefusal("1tcp://h:1").what()).find("bad scheme") != std::string::npos);
    CPPUNIT_ASSERT(std::string(uriRefusal("unix://").what()).find("no host") != std::string::npos);
    CPPUNIT_ASSERT(uriRefusal("tcp://h:1:2").code() == Errc::InvalidArgument);
  }

  void refusesSchemesThisNodeCannotDial() {
    auto e = uriRefusal("quic://ygg1.mk16.de:1339?key=0000000087ee");
    CPPUNIT_ASSERT(e.code() == Errc::NotSupported);
    CPPUNIT_ASSERT_EQUAL(std::string("peermgr: \"quic://ygg1.mk16.de:1339?…\": scheme \"quic\" is not supported by this node"),
                         std::string(e.what()));
    CPPUNIT_ASSERT(uriRefusal("https://example.com/").code() == Errc::NotSupported);
  }

  void redactsQueryInMessages() {
    std::string what = uriRefusal("tcp://h:99999?password=hunter2").what();
    CPPUNIT_ASSERT(what.find("hunter2") == std::string::npos);
    CPPUNIT_ASSERT(what.find("tcp://h:99999?…") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CandidateUriTest);
