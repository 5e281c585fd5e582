// The services sigil: {"services": {name: port}}, 1 to 256 entries.
#include "SigilTestSupport.hpp"

namespace rtk::sigils {

using namespace test;

namespace {

const BuiltinSigil& servicesSigil() { return builtin("services"); }

// n entries "s000": 1, "s001": 2, ...
std::string numberedServices(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    char name[8];
    std::snprintf(name, sizeof name, "s%03d", i);
    out += (out.empty() ? "" : ",") + std::string("\"") + name + "\":" + std::to_string(i + 1);
  }
  return "{" + out + "}";
}

}  // namespace

class ServicesSigilTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ServicesSigilTest);
  CPPUNIT_TEST(fromSettings);
  CPPUNIT_TEST(entryCount);
  CPPUNIT_TEST(namePattern);
  CPPUNIT_TEST(portRange);
  CPPUNIT_TEST(settingsShape);
  CPPUNIT_TEST(parsesRealNodeInfo);
  CPPUNIT_TEST_SUITE_END();

 public:
  void fromSettings() {
    CPPUNIT_ASSERT((servicesSigil().keys() == std::vector<std::string>{"services"}));
    // Sorted by name, as Go's json.Marshal writes a map.
    expectFragment(servicesSigil(), R"({"Services":{"ssh":22,"http":80,"my_app-2":65535}})",
                   R"({"services":{"http":80,"my_app-2":65535,"ssh":22}})");
  }

  void entryCount() {
    expectFragment(servicesSigil(), R"({"Services":)" + numberedServices(256) + "}",
                   R"({"services":)" + numberedServices(256) + "}");
    expectSettingError(servicesSigil(), R"({"Services":)" + numberedServices(257) + "}", "Services: 257 services, at most 256");
    expectNoMatch(servicesSigil(), R"({"services":)" + numberedServices(257) + "}", "services: 257 services, at most 256");
    expectSettingError(servicesSigil(), R"({"Services":{}})", "Services: no services");
    expectNoMatch(servicesSigil(), R"({"services":{}})", "services: no services");
  }

  void namePattern() {
    for (const std::string& good : std::vector<std::string>{"ab", "my_app-2", std::string(32, 'x')}) {
      expectFragment(servicesSigil(), R"({"Services":{")" + good + R"(":1}})", R"({"services":{")" + good + R"(":1}})");
    }
    for (const std::string& bad : std::vector<std::string>{"a", std::string(33, 'x'), "HTTP", "my.app", "web server"}) {
      expectSettingError(servicesSigil(), R"({"Services":{")" + bad + R"(":1}})", "Services: service name");
      expectSettingError(servicesSigil(), R"({"Services":{")" + bad + R"(":1}})", "^[a-z0-9_-]{2,32}$");
      expectNoMatch(servicesSigil(), R"({"services":{")" + bad + R"(":1}})", "services: service name");
    }
  }

  void portRange() {
    // Go reads every number as float64: 80.0 and 8e1 are port 80.
    expectParsed(servicesSigil(), R"({"services":{"web":80.0,"alt":8e1,"max":65535,"min":1}})",
                 R"({"services":{"alt":80,"max":65535,"min":1,"web":80}})");
    expectFragment(servicesSigil(), R"({"Services":{"web":80.0}})", R"({"services":{"web":80}})");
    for (const std::string& bad : std::vector<std::string>{"0", "65536", "-22", "80.5", "1e10", "18446744073709551616", "\"80\"", "null", "true", "[80]"}) {
      expectSettingError(servicesSigil(), R"({"Services":{"web":)" + bad + "}}", "Services.web: the port must be a whole number from 1 to 65535");
      expectNoMatch(servicesSigil(), R"({"services":{"web":)" + bad + "}}", "services.web: the port must be a whole number from 1 to 65535");
    }
  }

  void settingsShape() {
    expectSettingError(servicesSigil(), "{}", "Services: required");
    expectSettingError(servicesSigil(), R"({"Services":[["http",80]]})", "Services: must be an object");
    expectSettingError(servicesSigil(), R"({"Services":{"http":80},"Ports":{}})", "\"Ports\": not a setting of the services sigil");
    expectNoMatch(servicesSigil(), R"({"name":"x"})", "services: missing");
    expectNoMatch(servicesSigil(), R"({"services":"http:80"})", "services: must be an object");
  }

  void parsesRealNodeInfo() {
    expectParsedFrom(servicesSigil(), capturedNodeInfo("yggdrasil-0.5.12-sigils.json"), R"({"services":{"http":80,"ssh":22}})");
    expectParsedFrom(servicesSigil(), capturedNodeInfo("yggdrasil-0.5.12-unicode-privacy.json"),
                 R"({"services":{"dns":53,"http":80,"https":443,"ssh":22}})");
    expectParsedFrom(servicesSigil(), capturedNodeInfo("go-ratatoskr-example.json"), R"({"services":{"http":80,"ssh":22}})");
    expectNoMatchIn(servicesSigil(), capturedNodeInfo("yggdrasil-0.5.12-plain.json"), "services.http: the port must be a whole number");
    expectNoMatchIn(servicesSigil(), capturedNodeInfo("yggdrasil-0.5.12-default.json"), "services: missing");
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ServicesSigilTest);

}  // namespace rtk::sigils
