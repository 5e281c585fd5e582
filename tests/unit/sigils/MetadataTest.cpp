// The "ratatoskr" metadata key: "[names] version", read as Go's
// sigil_core.ParseInfo reads it and written as CompileInfoNames writes it.
#include "SigilTestSupport.hpp"

namespace rtk::sigils {

using namespace test;

namespace {

Metadata parsedMetadata(const std::string& value) {
  std::string why;
  auto m = parseMetadata(value, &why);
  CPPUNIT_ASSERT_MESSAGE(value + ": " + why, m.has_value());
  return *m;
}

void expectBadMetadata(const std::string& value, const std::string& expected) {
  std::string why;
  auto m = parseMetadata(value, &why);
  CPPUNIT_ASSERT_MESSAGE("accepted " + value, !m.has_value());
  CPPUNIT_ASSERT_MESSAGE(value + ": \"" + why + "\" lacks \"" + expected + "\"", why.find(expected) != std::string::npos);
  CPPUNIT_ASSERT(!parseMetadata(value, nullptr).has_value());
}

std::string names(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += (out.empty() ? "" : ",") + std::string("s") + std::to_string(100 + i);
  return out;
}

}  // namespace

class MetadataTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MetadataTest);
  CPPUNIT_TEST(readsRealMetadata);
  CPPUNIT_TEST(namesAreTrimmedSortedAndUnique);
  CPPUNIT_TEST(prefixBeforeTheBracket);
  CPPUNIT_TEST(bracketsAreRequired);
  CPPUNIT_TEST(versionRules);
  CPPUNIT_TEST(nameRules);
  CPPUNIT_TEST(atMost64Names);
  CPPUNIT_TEST(formats);
  CPPUNIT_TEST_SUITE_END();

 public:
  void readsRealMetadata() {
    auto m = parsedMetadata(capturedNodeInfo("yggdrasil-0.5.12-sigils.json").get("ratatoskr").asString());
    CPPUNIT_ASSERT((m.names == std::vector<std::string>{"inet", "info", "public", "services"}));
    CPPUNIT_ASSERT_EQUAL(std::string("v1.1.0"), m.version);
    m = parsedMetadata(capturedNodeInfo("yggdrasil-0.5.12-unicode-privacy.json").get("ratatoskr").asString());
    CPPUNIT_ASSERT((m.names == std::vector<std::string>{"inet", "info", "services"}));
    // What Go's cmd/ratatoskr -go.forward publishes: no brackets, not metadata.
    expectBadMetadata(capturedNodeInfo("yggdrasil-0.5.12-plain.json").get("ratatoskr").asString(), "no \"[sigil names]\"");
  }

  void namesAreTrimmedSortedAndUnique() {
    auto m = parsedMetadata("[ services , info,,info ,\t inet\u00a0] v0.1.0");
    CPPUNIT_ASSERT((m.names == std::vector<std::string>{"inet", "info", "services"}));
    CPPUNIT_ASSERT_EQUAL(std::string("v0.1.0"), m.version);
    m = parsedMetadata("[] v1.1.0");
    CPPUNIT_ASSERT(m.names.empty());
    m = parsedMetadata("[ , ,] v1");
    CPPUNIT_ASSERT(m.names.empty());
  }

  void prefixBeforeTheBracket() {
    auto m = parsedMetadata("ratatoskr [info] v1.1.0");
    CPPUNIT_ASSERT((m.names == std::vector<std::string>{"info"}));
    m = parsedMetadata("anything at all: [motd] build 7");
    CPPUNIT_ASSERT_EQUAL(std::string("build 7"), m.version);
  }

  void bracketsAreRequired() {
    expectBadMetadata("v1.1.0", "no \"[sigil names]\"");
    expectBadMetadata("[info v1.1.0", "no \"[sigil names]\"");
    expectBadMetadata("info] v1.1.0", "no \"[sigil names]\"");
    // The first ']' counts, wherever it is.
    expectBadMetadata("x] [info] v1", "no \"[sigil names]\"");
    // A second ']' is part of the version.
    CPPUNIT_ASSERT_EQUAL(std::string("v1]"), parsedMetadata("[info] v1]").version);
  }

  void versionRules() {
    expectBadMetadata("[info]", "no version");
    expectBadMetadata("[info] \t \u3000", "no version");
    CPPUNIT_ASSERT_EQUAL(std::string("v1 beta"), parsedMetadata("[info]   v1 beta \n").version);
    CPPUNIT_ASSERT_EQUAL(std::string(64, 'v'), parsedMetadata("[info] " + std::string(64, 'v')).version);
    expectBadMetadata("[info] " + std::string(65, 'v'), "65 characters long, at most 64");
    expectBadMetadata("[info] v1\x01", "not printable ASCII");
    expectBadMetadata("[info] v1\ttab", "not printable ASCII");
    expectBadMetadata("[info] vé", "not printable ASCII");
    expectBadMetadata("[info] v\xff", "not printable ASCII");
    CPPUNIT_ASSERT_EQUAL(std::string("~!@#$%^&*()_+{}|:<>?"), parsedMetadata("[a.b] ~!@#$%^&*()_+{}|:<>?").version);
  }

  void nameRules() {
    CPPUNIT_ASSERT((parsedMetadata("[abc," + std::string(32, 'z') + ",a._-] v1").names ==
                    std::vector<std::string>{"a._-", "abc", std::string(32, 'z')}));
    expectBadMetadata("[ab] v1", "sigil name \"ab\" does not match");
    expectBadMetadata("[" + std::string(33, 'z') + "] v1", "does not match ^[a-z0-9._-]{3,32}$");
    expectBadMetadata("[Info] v1", "sigil name \"Info\"");
    expectBadMetadata("[my sigil] v1", "sigil name \"my sigil\"");
    expectBadMetadata("[info;inet] v1", "sigil name \"info;inet\"");
  }

  void atMost64Names() {
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), parsedMetadata("[" + names(64) + "] v1").names.size());
    // Duplicates do not count toward the cap.
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), parsedMetadata("[" + names(64) + "," + names(64) + "] v1").names.size());
    expectBadMetadata("[" + names(65) + "] v1", "more than 64 sigil names");
  }

  void formats() {
    CPPUNIT_ASSERT_EQUAL(std::string("[inet,info,services] v1.1.0"), formatMetadata({"services", "info", "inet", "info"}, "v1.1.0"));
    CPPUNIT_ASSERT_EQUAL(std::string("[] v0.1.0"), formatMetadata({}, "v0.1.0"));
    // What we write, we (and Go) read back.
    auto m = parsedMetadata(formatMetadata({"motd", "info"}, "v0.1.0"));
    CPPUNIT_ASSERT((m.names == std::vector<std::string>{"info", "motd"}));
    CPPUNIT_ASSERT_EQUAL(std::string("v0.1.0"), m.version);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MetadataTest);

}  // namespace rtk::sigils
