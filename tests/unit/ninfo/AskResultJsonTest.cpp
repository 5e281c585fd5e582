#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "ratatoskr/ninfo.hpp"

using rtk::Errc;
using rtk::Error;
using rtk::json::Value;
using rtk::ninfo::AskResult;

namespace {

AskResult sampleResult() {
  AskResult r;
  r.target = "200:8160:1995:d9d6:eb7a:c01f:2c:7f02";
  r.key = *rtk::PublicKey::fromHex("bf4ff33513148a429ff07fe9c07ee86f10bd5fdfad8ea8016c4b697f286f04b9");
  r.rtt = std::chrono::microseconds(12345);
  r.version = "v0.1.0";
  r.software = rtk::ninfo::Software{"yggdrasil", "0.5.12", "linux", "amd64"};
  r.sigils = Value::parse(R"({"info":{"name":"edge.example.net","type":"router"}})");
  r.extra = Value::parse(R"({"motd":"hello"})");
  return r;
}

}  // namespace

class AskResultJsonTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AskResultJsonTest);
  CPPUNIT_TEST(jsonHasTheDocumentedLayout);
  CPPUNIT_TEST(jsonRoundTrips);
  CPPUNIT_TEST(hiddenSoftwareIsNull);
  CPPUNIT_TEST(malformedResultsNameTheField);
  CPPUNIT_TEST(textFormIsOneLinePerField);
  CPPUNIT_TEST_SUITE_END();

 public:
  void jsonHasTheDocumentedLayout() {
    CPPUNIT_ASSERT_EQUAL(
        std::string(R"({"target":"200:8160:1995:d9d6:eb7a:c01f:2c:7f02",)"
                    R"("key":"bf4ff33513148a429ff07fe9c07ee86f10bd5fdfad8ea8016c4b697f286f04b9","rtt_ms":12.345,)"
                    R"("version":"v0.1.0","software":{"name":"yggdrasil","version":"0.5.12","platform":"linux",)"
                    R"("arch":"amd64"},"sigils":{"info":{"name":"edge.example.net","type":"router"}},)"
                    R"("extra":{"motd":"hello"}})"),
        rtk::ninfo::toJson(sampleResult()).dump());
  }

  void jsonRoundTrips() {
    const AskResult a = sampleResult();
    const AskResult b = rtk::ninfo::askResultFromJson(Value::parse(rtk::ninfo::toJson(a).dump(2)));
    CPPUNIT_ASSERT_EQUAL(a.target, b.target);
    CPPUNIT_ASSERT(a.key == b.key);
    CPPUNIT_ASSERT_EQUAL(a.rtt.count(), b.rtt.count());
    CPPUNIT_ASSERT_EQUAL(a.version, b.version);
    CPPUNIT_ASSERT(a.software == b.software);
    CPPUNIT_ASSERT(a.sigils == b.sigils);
    CPPUNIT_ASSERT(a.extra == b.extra);
  }

  void hiddenSoftwareIsNull() {
    AskResult r = sampleResult();
    r.software.reset();
    r.version.clear();
    Value v = rtk::ninfo::toJson(r);
    CPPUNIT_ASSERT(v.get("software").isNull());
    CPPUNIT_ASSERT(!rtk::ninfo::askResultFromJson(v).software);
    const std::string text = rtk::ninfo::formatText(r);
    CPPUNIT_ASSERT_MESSAGE(text, text.find("Software: (hidden)\n") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(text, text.find("Version:  (no ratatoskr metadata)\n") != std::string::npos);
  }

  void malformedResultsNameTheField() {
    auto refused = [](const std::string& text, const std::string& fragment) {
      try {
        rtk::ninfo::askResultFromJson(Value::parse(text));
        CPPUNIT_FAIL("accepted " + text);
      } catch (const Error& e) {
        CPPUNIT_ASSERT(e.code() == Errc::InvalidArgument);
        CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find(fragment) != std::string::npos);
      }
    };
    Value good = rtk::ninfo::toJson(sampleResult());
    refused("[]", "expected object");
    Value noKey = good;
    noKey.erase("key");
    refused(noKey.dump(), "missing \"key\"");
    Value badRtt = good;
    badRtt.set("rtt_ms", "fast");
    refused(badRtt.dump(), "rtt_ms");
    Value badSigils = good;
    badSigils.set("sigils", Value::array());
    refused(badSigils.dump(), "must be objects");
    Value badSoftware = good;
    badSoftware.set("software", 3);
    refused(badSoftware.dump(), "\"software\" is integer");
  }

  void textFormIsOneLinePerField() {
    CPPUNIT_ASSERT_EQUAL(std::string("Target:   200:8160:1995:d9d6:eb7a:c01f:2c:7f02\n"
                                     "Key:      bf4ff33513148a429ff07fe9c07ee86f10bd5fdfad8ea8016c4b697f286f04b9\n"
                                     "RTT:      12.35 ms\n"
                                     "Version:  v0.1.0\n"
                                     "Software: yggdrasil 0.5.12 linux/amd64\n"
                                     "Sigils:   1\n"
                                     "  info: {\"name\":\"edge.example.net\",\"type\":\"router\"}\n"
                                     "Extra:    1\n"
                                     "  motd: \"hello\"\n"),
                         rtk::ninfo::formatText(sampleResult()));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AskResultJsonTest);
