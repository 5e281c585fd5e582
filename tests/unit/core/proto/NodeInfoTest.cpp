#include <cppunit/extensions/HelperMacros.h>

#include "core/proto/BuildInfo.hpp"
#include "core/proto/NodeInfo.hpp"
#include "ratatoskr/error.hpp"

using rtk::core::proto::NodeInfo;

namespace {
std::string buildFields() {
  // Appended piece by piece: g++ 12 -O2 misreports a chain of operator+ on
  // literals as -Wstringop-overread.
  std::string out = R"("buildarch":")";
  out.append(rtk::core::proto::kBuildArch).append(R"(","buildname":"ratatoskr","buildplatform":")");
  out.append(rtk::core::proto::kBuildPlatform).append(R"(","buildversion":")");
  out.append(rtk::core::proto::kBuildVersion).append("\"");
  return out;
}
rtk::Errc codeOf(const std::string& config, bool privacy, std::string* message = nullptr) {
  try {
    NodeInfo::build(config, privacy);
  } catch (const rtk::Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  return rtk::Errc::Unknown;
}
}  // namespace

class NodeInfoTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NodeInfoTest);
  CPPUNIT_TEST(addsBuildFieldsSorted);
  CPPUNIT_TEST(mergesTheConfiguredObject);
  CPPUNIT_TEST(privacyLeavesTheObjectAlone);
  CPPUNIT_TEST(emptyConfigMeansEmptyObject);
  CPPUNIT_TEST(rejectsWhatIsNotAnObject);
  CPPUNIT_TEST(enforcesTheSizeLimit);
  CPPUNIT_TEST(previewIsBuildWithoutTheLimit);
  CPPUNIT_TEST(buildInfoUsesGoNames);
  CPPUNIT_TEST(runTimeRulesRefuseInsteadOfOverwriting);
  CPPUNIT_TEST_SUITE_END();

 public:
  void addsBuildFieldsSorted() {
    CPPUNIT_ASSERT_EQUAL("{" + buildFields() + "}", NodeInfo::build("{}", false));
  }

  void mergesTheConfiguredObject() {
    // The same configuration a real 0.5.12 node answered getNodeInfo with
    // {"buildarch":…,"buildname":…,"buildplatform":…,"buildversion":…,"hello":"world","n":5}.
    CPPUNIT_ASSERT_EQUAL("{" + buildFields() + R"(,"hello":"world","n":5})",
                         NodeInfo::build(R"({"n": 5, "hello": "world"})", false));
    // Configured build fields are overwritten, duplicates keep the last
    // value, nested objects are sorted too and numbers are float64, as Go's
    // map[string]interface{} marshals them.
    CPPUNIT_ASSERT_EQUAL(
        "{\"a\":2," + buildFields() + R"(,"z":{"x":"<b>","y":[1,2.5]}})",
        NodeInfo::build(R"({"buildname":"fake","a":1,"a":2.0,"z":{"y":[1.0,25e-1],"x":"<b>"}})", false));
  }

  void privacyLeavesTheObjectAlone() {
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"a":1,"b":[true]})"), NodeInfo::build(R"({"b":[ true ],"a":1})", true));
    CPPUNIT_ASSERT_EQUAL(std::string("{}"), NodeInfo::build("{}", true));
  }

  void emptyConfigMeansEmptyObject() {
    CPPUNIT_ASSERT_EQUAL(std::string("{}"), NodeInfo::build("", true));
    CPPUNIT_ASSERT_EQUAL(std::string("{}"), NodeInfo::build("  null ", true));
  }

  void rejectsWhatIsNotAnObject() {
    CPPUNIT_ASSERT(codeOf("[1]", false) == rtk::Errc::Config);
    CPPUNIT_ASSERT(codeOf("\"text\"", false) == rtk::Errc::Config);
    CPPUNIT_ASSERT(codeOf("{\"a\":", false) == rtk::Errc::Config);
  }

  void enforcesTheSizeLimit() {
    // {"x":"<pad>"} is 8 bytes plus the pad.
    std::string fits = R"({"x":")" + std::string(NodeInfo::kMaxBytes - 8, 'p') + "\"}";
    CPPUNIT_ASSERT_EQUAL(NodeInfo::kMaxBytes, NodeInfo::build(fits, true).size());
    std::string over = R"({"x":")" + std::string(NodeInfo::kMaxBytes - 7, 'p') + "\"}";
    std::string message;
    CPPUNIT_ASSERT(codeOf(over, true, &message) == rtk::Errc::Config);
    CPPUNIT_ASSERT_EQUAL(std::string("NodeInfo exceeds max length of 16384 bytes"), message);
    // The build fields count towards the limit.
    CPPUNIT_ASSERT(codeOf(fits, false) == rtk::Errc::Config);
  }

  void previewIsBuildWithoutTheLimit() {
    std::string fits = R"({"x":")" + std::string(NodeInfo::kMaxBytes - 8, 'p') + "\"}";
    // Over the limit only with the build fields: build() refuses, preview() says by how much.
    std::string previewed = NodeInfo::preview(fits, false);
    CPPUNIT_ASSERT(previewed.size() > NodeInfo::kMaxBytes);
    CPPUNIT_ASSERT_EQUAL(NodeInfo::build(R"({"x":"p"})", false).size() + NodeInfo::kMaxBytes - 8 - 1, previewed.size());
    CPPUNIT_ASSERT_EQUAL(NodeInfo::build(fits, true), NodeInfo::preview(fits, true));
    CPPUNIT_ASSERT_EQUAL(NodeInfo::build(R"({"b":2.50,"a":[1]})", false), NodeInfo::preview(R"({"b":2.50,"a":[1]})", false));
    CPPUNIT_ASSERT_EQUAL(std::string("{}"), NodeInfo::preview("null", true));
    try {
      NodeInfo::preview("[1]", false);
      CPPUNIT_FAIL("accepted an array");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Config);
    }
  }

  void buildInfoUsesGoNames() {
    CPPUNIT_ASSERT_EQUAL(std::string("ratatoskr"), std::string(rtk::core::proto::kBuildName));
#if defined(__x86_64__)
    CPPUNIT_ASSERT_EQUAL(std::string("amd64"), std::string(rtk::core::proto::kBuildArch));
#elif defined(__aarch64__)
    CPPUNIT_ASSERT_EQUAL(std::string("arm64"), std::string(rtk::core::proto::kBuildArch));
#endif
#if defined(__linux__)
    CPPUNIT_ASSERT_EQUAL(std::string("linux"), std::string(rtk::core::proto::kBuildPlatform));
#endif
    CPPUNIT_ASSERT(std::string(rtk::core::proto::kBuildVersion).find('.') != std::string::npos);
  }

  void runTimeRulesRefuseInsteadOfOverwriting() {
    auto code = [](const std::string& json, bool privacy) {
      try {
        NodeInfo::buildAtRunTime(json, privacy);
      } catch (const rtk::Error& e) {
        return e.code();
      }
      return rtk::Errc::Unknown;
    };
    // The same result as the conf for what both accept.
    CPPUNIT_ASSERT_EQUAL(NodeInfo::build(R"({"n": 5, "hello": "world"})", false),
                         NodeInfo::buildAtRunTime(R"({"n": 5, "hello": "world"})", false));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"buildname":"mine"})"), NodeInfo::buildAtRunTime(R"({"buildname":"mine"})", true));
    // Where the conf overwrites or defaults, run time refuses.
    for (const char* k : NodeInfo::kBuildKeys)
      CPPUNIT_ASSERT(code("{\"" + std::string(k) + "\":\"x\"}", false) == rtk::Errc::InvalidArgument);
    CPPUNIT_ASSERT(code("", true) == rtk::Errc::InvalidArgument);
    CPPUNIT_ASSERT(code("null", true) == rtk::Errc::InvalidArgument);
    CPPUNIT_ASSERT(code("[]", true) == rtk::Errc::InvalidArgument);
    CPPUNIT_ASSERT(code("{\"a\":", true) == rtk::Errc::InvalidArgument);
    std::string fits = R"({"x":")" + std::string(NodeInfo::kMaxBytes - 8, 'p') + "\"}";
    CPPUNIT_ASSERT_EQUAL(NodeInfo::kMaxBytes, NodeInfo::buildAtRunTime(fits, true).size());
    CPPUNIT_ASSERT(code(R"({"x":")" + std::string(NodeInfo::kMaxBytes - 7, 'p') + "\"}", true) ==
                   rtk::Errc::MessageTooLarge);
    CPPUNIT_ASSERT(code(fits, false) == rtk::Errc::MessageTooLarge);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NodeInfoTest);
