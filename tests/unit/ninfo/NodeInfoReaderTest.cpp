#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "FakeSigils.hpp"
#include "ninfo/NodeInfoReader.hpp"

using rtk::Errc;
using rtk::Error;
using rtk::json::Value;
using rtk::ninfo::NodeInfoReader;
using rtk::ninfo::ParsedNodeInfo;
using rtk::test::FakeCatalog;
using rtk::test::KeysParser;

namespace {

const rtk::PublicKey kFrom = *rtk::PublicKey::fromHex("bf4ff33513148a429ff07fe9c07ee86f10bd5fdfad8ea8016c4b697f286f04b9");

// What a real yggdrasil 0.5.12 node answers with the conf NodeInfo
// {"name":"edge.example.net","location":"Warsaw, Poland"}: Go's
// json.Marshal of the map, keys sorted, the build keys added.
const std::string kRealNode =
    R"({"buildarch":"amd64","buildname":"yggdrasil","buildplatform":"linux","buildversion":"0.5.12",)"
    R"("location":"Warsaw, Poland","name":"edge.example.net"})";

// A Go ratatoskr node with NodeInfoPrivacy (plugins.md §6.2's example), plus
// a custom sigil "motd" it declares and one ("stray") it does not.
const std::string kGoRatatoskr =
    R"({"contact":{"email":["admin@example.net"]},"inet":["example.com"],"location":"Warsaw, Poland",)"
    R"("motd":"hello","name":"edge.example.net","public":{"internet":["tls://203.0.113.10:443"]},)"
    R"("ratatoskr":"[inet,info,motd,public,services] v1.1.0","services":{"http":80,"ssh":22},)"
    R"("stray":{"x":1},"type":"router"})";

Error readError(const FakeCatalog& catalog, const std::string& text) {
  try {
    NodeInfoReader(catalog).read(text, kFrom);
  } catch (const Error& e) {
    return e;
  }
  CPPUNIT_FAIL("read accepted " + text.substr(0, 60));
  return Error(Errc::Unknown, "");
}

FakeCatalog fullCatalog() {
  FakeCatalog c;
  c.add(std::make_shared<KeysParser>("info", std::vector<std::string>{"name", "type"}));
  c.add(std::make_shared<KeysParser>("inet", std::vector<std::string>{"inet"}));
  c.add(std::make_shared<KeysParser>("public", std::vector<std::string>{"public"}));
  c.add(std::make_shared<KeysParser>("services", std::vector<std::string>{"services"}));
  c.add(std::make_shared<KeysParser>("stray", std::vector<std::string>{"stray"}));
  return c;
}

}  // namespace

class NodeInfoReaderTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NodeInfoReaderTest);
  CPPUNIT_TEST(realYggdrasilNodeGivesSoftwareAndExtra);
  CPPUNIT_TEST(declaredSigilsGoToTheirParsers);
  CPPUNIT_TEST(invalidFragmentStaysInExtra);
  CPPUNIT_TEST(badMetadataLeavesEverythingInExtra);
  CPPUNIT_TEST(softwareKeysThatAreNotStrings);
  CPPUNIT_TEST(throwingParserCountsAsNoMatch);
  CPPUNIT_TEST(tooLargeAndNotJsonAreRefused);
  CPPUNIT_TEST_SUITE_END();

 public:
  void realYggdrasilNodeGivesSoftwareAndExtra() {
    FakeCatalog catalog = fullCatalog();
    ParsedNodeInfo p = NodeInfoReader(catalog).read(kRealNode, kFrom);
    CPPUNIT_ASSERT(p.software.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("yggdrasil"), p.software->name);
    CPPUNIT_ASSERT_EQUAL(std::string("0.5.12"), p.software->version);
    CPPUNIT_ASSERT_EQUAL(std::string("linux"), p.software->platform);
    CPPUNIT_ASSERT_EQUAL(std::string("amd64"), p.software->arch);
    CPPUNIT_ASSERT_EQUAL(std::string(), p.version);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), p.sigils.size());
    // No metadata key: nothing is parsed, not even a key "info" would own.
    CPPUNIT_ASSERT_EQUAL(Value::parse(R"({"location":"Warsaw, Poland","name":"edge.example.net"})").dump(), p.extra.dump());
  }

  void declaredSigilsGoToTheirParsers() {
    FakeCatalog catalog = fullCatalog();
    ParsedNodeInfo p = NodeInfoReader(catalog).read(kGoRatatoskr, kFrom);
    CPPUNIT_ASSERT_EQUAL(std::string("v1.1.0"), p.version);
    CPPUNIT_ASSERT(!p.software.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"name":"edge.example.net","type":"router"})"), p.sigils.get("info").dump());
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"inet":["example.com"]})"), p.sigils.get("inet").dump());
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"services":{"http":80,"ssh":22}})"), p.sigils.get("services").dump());
    CPPUNIT_ASSERT(p.sigils.contains("public"));
    // "motd" is declared but nobody here parses it; "stray" has a parser but is not declared.
    CPPUNIT_ASSERT(!p.sigils.contains("motd"));
    CPPUNIT_ASSERT(!p.sigils.contains("stray"));
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), p.sigils.size());
    CPPUNIT_ASSERT_EQUAL(Value::parse(R"({"contact":{"email":["admin@example.net"]},"location":"Warsaw, Poland",)"
                                      R"("motd":"hello","stray":{"x":1}})")
                             .dump(),
                         p.extra.dump());
  }

  void invalidFragmentStaysInExtra() {
    FakeCatalog catalog;
    catalog.add(std::make_shared<KeysParser>("services", std::vector<std::string>{"services"},
                                             [](const Value& v) { return v.get("services").isObject(); }));
    ParsedNodeInfo p = NodeInfoReader(catalog).read(R"({"ratatoskr":"[services] v0.1.0","services":"http"})", kFrom);
    CPPUNIT_ASSERT_EQUAL(std::string("v0.1.0"), p.version);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), p.sigils.size());
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"services":"http"})"), p.extra.dump());
  }

  void badMetadataLeavesEverythingInExtra() {
    FakeCatalog catalog = fullCatalog();
    for (const std::string text : {R"({"ratatoskr":"no brackets","inet":["a.example"]})",
                                   R"({"ratatoskr":42,"inet":["a.example"]})",
                                   R"({"ratatoskr":"[inet]","inet":["a.example"]})"}) {
      ParsedNodeInfo p = NodeInfoReader(catalog).read(text, kFrom);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(text, std::string(), p.version);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(text, std::size_t(0), p.sigils.size());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(text, std::size_t(2), p.extra.size());
      CPPUNIT_ASSERT_MESSAGE(text, p.extra.contains("ratatoskr"));
    }
  }

  void softwareKeysThatAreNotStrings() {
    FakeCatalog catalog;
    ParsedNodeInfo p = NodeInfoReader(catalog).read(R"({"buildname":7,"buildversion":"1.0","buildarch":null,"x":1})", kFrom);
    CPPUNIT_ASSERT(p.software.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string(), p.software->name);
    CPPUNIT_ASSERT_EQUAL(std::string("1.0"), p.software->version);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"x":1})"), p.extra.dump());
    ParsedNodeInfo none = NodeInfoReader(catalog).read(R"({"buildname":"","buildarch":false})", kFrom);
    CPPUNIT_ASSERT(!none.software.has_value());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), none.extra.size());
  }

  void throwingParserCountsAsNoMatch() {
    FakeCatalog catalog;
    catalog.add(std::make_shared<KeysParser>("boom", std::vector<std::string>{"boom"}, [](const Value& v) -> bool {
      return v.get("boom").asString().empty();  // throws: boom is a number
    }));
    ParsedNodeInfo p = NodeInfoReader(catalog).read(R"({"ratatoskr":"[boom] v1","boom":1})", kFrom);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), p.sigils.size());
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"boom":1})"), p.extra.dump());
  }

  void tooLargeAndNotJsonAreRefused() {
    FakeCatalog catalog;
    std::string big = R"({"pad":")" + std::string(16384, 'x') + R"("})";
    Error large = readError(catalog, big);
    CPPUNIT_ASSERT(large.code() == Errc::MessageTooLarge);
    CPPUNIT_ASSERT_MESSAGE(large.what(), std::string(large.what()).find("too large: 16394 bytes, the limit is 16384") != std::string::npos);
    // 16384 bytes exactly is accepted.
    std::string edge = R"({"pad":")" + std::string(16384 - 10, 'x') + R"("})";
    CPPUNIT_ASSERT_EQUAL(std::size_t(16384), edge.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), NodeInfoReader(catalog).read(edge, kFrom).extra.size());
    for (const std::string text : {"", "[1,2]", "\"text\"", "{\"a\":", "{\"a\":1}x", "\xff"}) {
      Error e = readError(catalog, text);
      CPPUNIT_ASSERT_MESSAGE(e.what(), e.code() == Errc::Protocol);
      CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("is not JSON") != std::string::npos);
      CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find(kFrom.hex()) != std::string::npos);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NodeInfoReaderTest);
