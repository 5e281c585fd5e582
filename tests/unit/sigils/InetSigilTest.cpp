// The inet sigil: {"inet": [addresses]}, 1 to 32 unique entries.
#include "SigilTestSupport.hpp"

namespace rtk::sigils {

using namespace test;

namespace {

const BuiltinSigil& inetSigil() { return builtin("inet"); }

std::string addrList(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += (out.empty() ? "" : ",") + std::string("\"h") + std::to_string(i) + ".example.com\"";
  return "[" + out + "]";
}

}  // namespace

class InetSigilTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(InetSigilTest);
  CPPUNIT_TEST(fromSettings);
  CPPUNIT_TEST(entryCount);
  CPPUNIT_TEST(entryCharacters);
  CPPUNIT_TEST(entriesAreUnique);
  CPPUNIT_TEST(settingsShape);
  CPPUNIT_TEST(parsesRealNodeInfo);
  CPPUNIT_TEST_SUITE_END();

 public:
  void fromSettings() {
    CPPUNIT_ASSERT((inetSigil().keys() == std::vector<std::string>{"inet"}));
    // Order kept: it is a list, not a map.
    expectFragment(inetSigil(), R"({"Addrs":["example.com","203.0.113.10","2001:db8::10","tcp://example.net/x_y"]})",
                   R"({"inet":["example.com","203.0.113.10","2001:db8::10","tcp://example.net/x_y"]})");
  }

  void entryCount() {
    expectFragment(inetSigil(), R"({"Addrs":)" + addrList(32) + "}", R"({"inet":)" + addrList(32) + "}");
    expectSettingError(inetSigil(), R"({"Addrs":)" + addrList(33) + "}", "Addrs: 33 addresses, at most 32");
    expectNoMatch(inetSigil(), R"({"inet":)" + addrList(33) + "}", "inet: 33 addresses, at most 32");
    expectSettingError(inetSigil(), R"({"Addrs":[]})", "Addrs: no addresses");
    expectNoMatch(inetSigil(), R"({"inet":[]})", "inet: no addresses");
  }

  void entryCharacters() {
    for (const std::string& good : std::vector<std::string>{"a.bc", "10.0.0.1", "fe80::1", std::string(256, 'Z')}) {
      expectFragment(inetSigil(), R"({"Addrs":[")" + good + R"("]})", R"({"inet":[")" + good + R"("]})");
    }
    for (const std::string& bad : std::vector<std::string>{"a.b", std::string(257, 'Z'), "[2001:db8::1]", "host name", "höst.example", "a@b.example", "x.example?q"}) {
      expectSettingError(inetSigil(), R"({"Addrs":[")" + bad + R"("]})", "Addrs[0]: ");
      expectSettingError(inetSigil(), R"({"Addrs":[")" + bad + R"("]})", "^[a-zA-Z0-9._:/-]{4,256}$");
      expectNoMatch(inetSigil(), R"({"inet":["ok.example",")" + bad + R"("]})", "inet[1]: ");
    }
    expectNoMatch(inetSigil(), R"({"inet":["ok.example",7]})", "inet[1]: must be a string, not integer");
  }

  void entriesAreUnique() {
    expectSettingError(inetSigil(), R"({"Addrs":["a.example","b.example","a.example"]})", "Addrs[2]: \"a.example\" repeats Addrs[0]");
    expectNoMatch(inetSigil(), R"({"inet":["a.example","a.example"]})", "inet[1]: \"a.example\" repeats inet[0]");
    // Case differs: not the same string.
    expectFragment(inetSigil(), R"({"Addrs":["a.example","A.example"]})", R"({"inet":["a.example","A.example"]})");
  }

  void settingsShape() {
    expectSettingError(inetSigil(), "{}", "Addrs: required");
    expectSettingError(inetSigil(), R"({"Addrs":"example.com"})", "Addrs: must be an array of addresses, not string");
    expectSettingError(inetSigil(), R"({"Addrs":["example.com"],"Port":1})", "\"Port\": not a setting of the inet sigil");
    expectNoMatch(inetSigil(), R"({"inet":{"a":"example.com"}})", "inet: must be an array of addresses, not object");
  }

  void parsesRealNodeInfo() {
    expectParsedFrom(inetSigil(), capturedNodeInfo("yggdrasil-0.5.12-sigils.json"), R"({"inet":["example.com","203.0.113.10"]})");
    expectParsedFrom(inetSigil(), capturedNodeInfo("yggdrasil-0.5.12-unicode-privacy.json"),
                 R"({"inet":["relay-2.example.org","198.51.100.7","2001:db8::7"]})");
    expectParsedFrom(inetSigil(), capturedNodeInfo("go-ratatoskr-example.json"), R"({"inet":["example.com"]})");
    expectNoMatchIn(inetSigil(), capturedNodeInfo("yggdrasil-0.5.12-plain.json"), "inet[1]: \"dup.example.com\" repeats inet[0]");
    expectNoMatchIn(inetSigil(), capturedNodeInfo("yggdrasil-0.5.12-default.json"), "inet: missing");
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(InetSigilTest);

}  // namespace rtk::sigils
