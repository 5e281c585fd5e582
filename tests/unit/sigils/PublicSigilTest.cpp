// The public sigil: {"public": {group: [URIs]}}, 1 to 8 groups of 1 to 16.
#include "SigilTestSupport.hpp"

namespace rtk::sigils {

using namespace test;

namespace {

const BuiltinSigil& publicSigil() { return builtin("public"); }

std::string uriList(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += (out.empty() ? "" : ",") + std::string("\"tls://192.0.2.1:") + std::to_string(1000 + i) + "\"";
  return "[" + out + "]";
}

}  // namespace

class PublicSigilTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PublicSigilTest);
  CPPUNIT_TEST(fromSettings);
  CPPUNIT_TEST(groupCountAndNames);
  CPPUNIT_TEST(uriCountAndCharacters);
  CPPUNIT_TEST(settingsShape);
  CPPUNIT_TEST(parsesRealNodeInfo);
  CPPUNIT_TEST_SUITE_END();

 public:
  void fromSettings() {
    CPPUNIT_ASSERT((publicSigil().keys() == std::vector<std::string>{"public"}));
    expectFragment(publicSigil(), R"({"Peers":{"tor":["socks://example.onion:9001"],"internet":["tls://203.0.113.10:443","tcp://[2001:db8::10]:8443"]}})",
                   R"({"public":{"internet":["tls://203.0.113.10:443","tcp://[2001:db8::10]:8443"],"tor":["socks://example.onion:9001"]}})");
  }

  void groupCountAndNames() {
    std::string eight, nine;
    for (int i = 0; i < 9; ++i) {
      std::string group = "\"g" + std::to_string(i) + "\":[\"tls://h:1\"]";
      if (i < 8) eight += (eight.empty() ? "" : ",") + group;
      nine += (nine.empty() ? "" : ",") + group;
    }
    expectFragment(publicSigil(), R"({"Peers":{)" + eight + "}}", R"({"public":{)" + eight + "}}");
    expectSettingError(publicSigil(), R"({"Peers":{)" + nine + "}}", "Peers: 9 groups, at most 8");
    expectNoMatch(publicSigil(), R"({"public":{)" + nine + "}}", "public: 9 groups, at most 8");
    expectSettingError(publicSigil(), R"({"Peers":{}})", "Peers: no groups");
    expectNoMatch(publicSigil(), R"({"public":{}})", "public: no groups");
    for (const std::string& good : std::vector<std::string>{"ab", "i2p", std::string(16, 'z')}) {
      expectFragment(publicSigil(), R"({"Peers":{")" + good + R"(":["tls://h:1"]}})", R"({"public":{")" + good + R"(":["tls://h:1"]}})");
    }
    for (const std::string& bad : std::vector<std::string>{"a", std::string(17, 'z'), "Internet", "my-net", "my_net"}) {
      expectSettingError(publicSigil(), R"({"Peers":{")" + bad + R"(":["tls://h:1"]}})", "Peers: group name");
      expectSettingError(publicSigil(), R"({"Peers":{")" + bad + R"(":["tls://h:1"]}})", "^[a-z0-9]{2,16}$");
      expectNoMatch(publicSigil(), R"({"public":{")" + bad + R"(":["tls://h:1"]}})", "public: group name");
    }
  }

  void uriCountAndCharacters() {
    expectFragment(publicSigil(), R"({"Peers":{"internet":)" + uriList(16) + "}}", R"({"public":{"internet":)" + uriList(16) + "}}");
    expectSettingError(publicSigil(), R"({"Peers":{"internet":)" + uriList(17) + "}}", "Peers.internet: 17 URIs, at most 16");
    expectNoMatch(publicSigil(), R"({"public":{"internet":)" + uriList(17) + "}}", "public.internet: 17 URIs, at most 16");
    expectSettingError(publicSigil(), R"({"Peers":{"internet":[]}})", "Peers.internet: an empty group");
    expectNoMatch(publicSigil(), R"({"public":{"internet":[]}})", "public.internet: an empty group");
    // Syntax only: 8 to 256 of a-z A-Z 0-9 + . _ / : @ [ ] -; duplicates allowed (as Go).
    const std::string longest = "tls://" + std::string(250, 'a');
    for (const std::string& good : std::vector<std::string>{"tls://h:1", "tcp://[2001:db8::10]:8443", "socks+tls://u@proxy:1080/x", longest}) {
      expectFragment(publicSigil(), R"({"Peers":{"internet":[")" + good + "\",\"" + good + R"("]}})",
                     R"({"public":{"internet":[")" + good + "\",\"" + good + R"("]}})");
    }
    for (const std::string& bad : std::vector<std::string>{"tls://h", longest + "b", "tls://h:1?key=abc", "tls://h :1", "tls://hé:443", "tls://h:1#frag"}) {
      expectSettingError(publicSigil(), R"({"Peers":{"internet":[")" + bad + R"("]}})", "Peers.internet[0]: ");
      expectSettingError(publicSigil(), R"({"Peers":{"internet":[")" + bad + R"("]}})", "does not match");
      expectNoMatch(publicSigil(), R"({"public":{"internet":["tls://ok.example:1",")" + bad + R"("]}})", "public.internet[1]: ");
    }
    expectNoMatch(publicSigil(), R"({"public":{"internet":[443]}})", "public.internet[0]: must be a string, not integer");
    expectNoMatch(publicSigil(), R"({"public":{"internet":"tls://h:443"}})", "public.internet: must be an array of URIs, not string");
  }

  void settingsShape() {
    expectSettingError(publicSigil(), "{}", "Peers: required");
    expectSettingError(publicSigil(), R"({"Peers":["tls://h:1"]})", "Peers: must be an object");
    expectSettingError(publicSigil(), R"({"Peers":{"internet":["tls://h:1"]},"Uris":[]})", "\"Uris\": not a setting of the public sigil");
    expectNoMatch(publicSigil(), "{}", "public: missing");
  }

  void parsesRealNodeInfo() {
    expectParsedFrom(publicSigil(), capturedNodeInfo("yggdrasil-0.5.12-sigils.json"),
                 R"({"public":{"internet":["tls://203.0.113.10:443","tcp://[2001:db8::10]:8443"]}})");
    expectParsedFrom(publicSigil(), capturedNodeInfo("go-ratatoskr-example.json"), R"({"public":{"internet":["tls://203.0.113.10:443"]}})");
    expectNoMatchIn(publicSigil(), capturedNodeInfo("yggdrasil-0.5.12-plain.json"), "public: group name \"Internet\"");
    expectNoMatchIn(publicSigil(), capturedNodeInfo("yggdrasil-0.5.12-unicode-privacy.json"), "public: missing");
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PublicSigilTest);

}  // namespace rtk::sigils
