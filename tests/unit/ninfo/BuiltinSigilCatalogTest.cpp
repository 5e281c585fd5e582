#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "FakeSigils.hpp"
#include "ninfo/BuiltinSigilCatalog.hpp"
#include "ninfo/NodeInfoReader.hpp"

using rtk::Errc;
using rtk::Error;
using rtk::json::Value;
using rtk::ninfo::BuiltinSigilCatalog;
using rtk::ninfo::NodeInfoReader;
using rtk::ninfo::ParsedNodeInfo;
using rtk::test::KeysParser;

namespace {

// Real NodeInfo bytes captured from yggdrasil 0.5.12 (tests/data/nodeinfo/README.md).
std::string capturedNodeInfo(const std::string& name) {
  std::ifstream in(std::string(RTK_NINFO_NODEINFO_DATA) + "/" + name);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  CPPUNIT_ASSERT_MESSAGE(name, !text.empty());
  return text;
}

ParsedNodeInfo readWith(const BuiltinSigilCatalog& catalog, const std::string& text) {
  return NodeInfoReader(catalog).read(text, rtk::PublicKey{});
}

std::string refusalOf(BuiltinSigilCatalog::Parsers parsers) {
  try {
    BuiltinSigilCatalog catalog(std::move(parsers));
  } catch (const Error& e) {
    CPPUNIT_ASSERT(e.code() == Errc::InvalidArgument);
    return e.what();
  }
  CPPUNIT_FAIL("parsers accepted");
  return {};
}

}  // namespace

// The real catalog: rtk_sigil_core's built-in sigils and metadata reader,
// on NodeInfo a real yggdrasil 0.5.12 node sent.
class BuiltinSigilCatalogTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BuiltinSigilCatalogTest);
  CPPUNIT_TEST(fourBuiltinSigilsFromARealNode);
  CPPUNIT_TEST(unicodeAndPrivacy);
  CPPUNIT_TEST(rulesBrokenEverywhereLeaveEverythingInExtra);
  CPPUNIT_TEST(plainYggdrasilNode);
  CPPUNIT_TEST(customParserReadsItsNameOnlyWhenDeclared);
  CPPUNIT_TEST(badCustomParsersAreRefusedByName);
  CPPUNIT_TEST_SUITE_END();

 public:
  void fourBuiltinSigilsFromARealNode() {
    BuiltinSigilCatalog catalog;
    ParsedNodeInfo p = readWith(catalog, capturedNodeInfo("yggdrasil-0.5.12-sigils.json"));
    CPPUNIT_ASSERT_EQUAL(std::string("v1.1.0"), p.version);
    CPPUNIT_ASSERT(p.software && p.software->name == "yggdrasil" && p.software->version == "0.5.12");
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), p.sigils.size());
    CPPUNIT_ASSERT_EQUAL(std::string(R"(["example.com","203.0.113.10"])"), p.sigils.get("inet").get("inet").dump());
    CPPUNIT_ASSERT_EQUAL(std::string("edge.example.net"), p.sigils.get("info").get("name").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("router"), p.sigils.get("info").get("type").asString());
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"http":80,"ssh":22})"), p.sigils.get("services").get("services").dump());
    CPPUNIT_ASSERT(p.sigils.get("public").get("public").isObject());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(p.extra.dump(), std::size_t(0), p.extra.size());
  }

  void unicodeAndPrivacy() {
    BuiltinSigilCatalog catalog;
    ParsedNodeInfo p = readWith(catalog, capturedNodeInfo("yggdrasil-0.5.12-unicode-privacy.json"));
    CPPUNIT_ASSERT(!p.software);
    CPPUNIT_ASSERT(p.sigils.contains("info"));
    CPPUNIT_ASSERT(p.sigils.contains("inet"));
    CPPUNIT_ASSERT(p.sigils.contains("services"));
    CPPUNIT_ASSERT_MESSAGE(p.extra.dump(), p.extra.size() >= 1);  // the non-sigil key
    for (const auto& key : p.extra.keys()) CPPUNIT_ASSERT_MESSAGE(key, !p.sigils.get("info").contains(key));
  }

  void rulesBrokenEverywhereLeaveEverythingInExtra() {
    BuiltinSigilCatalog catalog;
    const std::string text = capturedNodeInfo("yggdrasil-0.5.12-plain.json");
    ParsedNodeInfo p = readWith(catalog, text);
    CPPUNIT_ASSERT_EQUAL(std::string(), p.version);  // "v1.1.0" without [names] is no metadata
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), p.sigils.size());
    CPPUNIT_ASSERT_EQUAL(Value::parse(text).size() - 4, p.extra.size());  // all but the build keys
    // The same data declared: every sigil's fragment is invalid, so still nothing parsed.
    Value declared = Value::parse(text);
    declared.set("ratatoskr", "[inet,info,public,services] v1.1.0");
    ParsedNodeInfo q = readWith(catalog, declared.dump());
    CPPUNIT_ASSERT_EQUAL(std::string("v1.1.0"), q.version);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(q.sigils.dump(), std::size_t(0), q.sigils.size());
  }

  void plainYggdrasilNode() {
    BuiltinSigilCatalog catalog;
    ParsedNodeInfo p = readWith(catalog, capturedNodeInfo("yggdrasil-0.5.12-default.json"));
    CPPUNIT_ASSERT(p.software && p.software->platform == "linux" && p.software->arch == "amd64");
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), p.extra.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), p.sigils.size());
  }

  void customParserReadsItsNameOnlyWhenDeclared() {
    auto motd = std::make_shared<KeysParser>("motd", std::vector<std::string>{"motd"});
    BuiltinSigilCatalog catalog({motd});
    CPPUNIT_ASSERT(catalog.parserFor("motd") == motd.get());
    CPPUNIT_ASSERT(catalog.parserFor("info") != nullptr);
    CPPUNIT_ASSERT(catalog.parserFor("weather") == nullptr);
    ParsedNodeInfo declared = readWith(catalog, R"({"motd":{"text":"hi"},"inet":["example.com"],"ratatoskr":"[inet,motd] v0.1.0"})");
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"motd":{"text":"hi"}})"), declared.sigils.get("motd").dump());
    CPPUNIT_ASSERT(declared.sigils.contains("inet"));
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), declared.extra.size());
    ParsedNodeInfo undeclared = readWith(catalog, R"({"motd":{"text":"hi"},"inet":["example.com"],"ratatoskr":"[inet] v0.1.0"})");
    CPPUNIT_ASSERT(!undeclared.sigils.contains("motd"));
    CPPUNIT_ASSERT(undeclared.extra.contains("motd"));
  }

  void badCustomParsersAreRefusedByName() {
    auto named = [](const char* n) { return std::make_shared<KeysParser>(n, std::vector<std::string>{"k"}); };
    CPPUNIT_ASSERT(refusalOf({named("info")}).find("\"info\": the name is a built-in sigil's") != std::string::npos);
    CPPUNIT_ASSERT(refusalOf({named("Bad Name")}).find("does not match ^[a-z0-9._-]{3,32}$") != std::string::npos);
    CPPUNIT_ASSERT(refusalOf({named("ab")}).find("does not match") != std::string::npos);
    CPPUNIT_ASSERT(refusalOf({named("motd"), named("motd")}).find("exists already") != std::string::npos);
    CPPUNIT_ASSERT(refusalOf({nullptr}).find("no parser") != std::string::npos);
    CPPUNIT_ASSERT(BuiltinSigilCatalog::isBuiltinName("services"));
    CPPUNIT_ASSERT(!BuiltinSigilCatalog::isBuiltinName("motd"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BuiltinSigilCatalogTest);
