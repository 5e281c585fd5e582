#include <cppunit/extensions/HelperMacros.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "common/TempDir.hpp"
#include "config/ConfParser.hpp"
#include "config/HjsonReader.hpp"
#include "config/JsonSourceMap.hpp"
#include "core/crypto/Ed25519.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::host {
namespace {

struct Parsed {
  json::Value value;
  JsonSourceMap map;
};

Parsed readHjson(const std::string& text) {
  Parsed p{json::Value(), JsonSourceMap(text)};
  p.value = HjsonReader::parse(text, "t.hjson", p.map);
  return p;
}

std::string hjsonError(const std::string& text) {
  try {
    JsonSourceMap map(text);
    HjsonReader::parse(text, "t.hjson", map);
  } catch (const Error& e) {
    CPPUNIT_ASSERT(e.code() == Errc::Config);
    return e.what();
  }
  CPPUNIT_FAIL("accepted: " + text);
  return "";
}

std::string runYggdrasil(const std::string& args) {
  std::string cmd = std::string(RTK_YGGDRASIL_BIN) + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  CPPUNIT_ASSERT_MESSAGE("cannot run " + cmd, p != nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = ::pclose(p);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(cmd + ":\n" + out, 0, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return out;
}

// Our value at `path` equals yggdrasil's normalised one. Where yggdrasil wants
// a string and the HJSON had a quoteless number/boolean, it keeps the text:
// the conf parser does the same through bareText().
void assertSameValue(const std::string& path, const json::Value& ours, const json::Value& theirs, const JsonSourceMap& map) {
  if (theirs.isString() && !ours.isString()) {
    auto bare = map.bareText(path);
    CPPUNIT_ASSERT_MESSAGE(path + ": ours " + ours.dump() + ", yggdrasil " + theirs.dump(), bare && *bare == theirs.asString());
    return;
  }
  if (theirs.isObject()) {
    CPPUNIT_ASSERT_MESSAGE(path + ": ours " + ours.dump() + ", yggdrasil " + theirs.dump(), ours.isObject());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(path + " member count", theirs.size(), ours.size());
    for (std::size_t i = 0; i < theirs.size(); ++i) {
      const std::string& key = theirs.keyAt(i);
      const json::Value* mine = ours.find(key);
      CPPUNIT_ASSERT_MESSAGE(path + ": missing " + key, mine != nullptr);
      assertSameValue(JsonSourceMap::member(path, key), *mine, theirs.at(i), map);
    }
    return;
  }
  if (theirs.isArray()) {
    CPPUNIT_ASSERT_MESSAGE(path + ": ours " + ours.dump() + ", yggdrasil " + theirs.dump(), ours.isArray());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(path + " element count", theirs.size(), ours.size());
    for (std::size_t i = 0; i < theirs.size(); ++i) assertSameValue(JsonSourceMap::element(path, i), ours[i], theirs[i], map);
    return;
  }
  CPPUNIT_ASSERT_MESSAGE(path + ": ours " + ours.dump() + ", yggdrasil " + theirs.dump(), ours == theirs);
}

// Every field of `hjson` as we read it equals `yggdrasil -normaliseconf -json` of the same file.
void assertReadsLikeYggdrasil(const std::string& hjson, const std::string& name) {
  rtk::test::TempDir dir("hjson");
  std::string path = dir.write(name, hjson);
  json::Value theirs = json::Value::parse(runYggdrasil("-useconffile " + path + " -normaliseconf -json"));
  Parsed ours = readHjson(hjson);
  CPPUNIT_ASSERT_MESSAGE("normalised conf is an object", theirs.isObject() && theirs.size() >= 10);
  // -normaliseconf blanks AdminListen (and then omits it); every other field must match.
  ours.value.erase("AdminListen");
  assertSameValue("", ours.value, theirs, ours.map);
}

// Exercises what hjson allows, for yggdrasil to judge through NodeInfo
// (a free-form map it prints back as it read it).
std::string trickyConf(const std::string& keyHex) {
  return "# comment before the root\n"
         "{\n"
         "  PrivateKey: " + keyHex + "\n"
         "  Peers: [\n"
         "    tls://peer.example:443?key=ab#frag   # part of the string\n"
         "    \"tcp://[200::1]:9001\"\n"
         "    'ws://x.example:1'\n"
         "  ]\n"
         "  InterfacePeers: { eth0: [ \"tcp://[fe80::1%eth0]:1\" ] }\n"
         "  Listen: []\n"
         "  AdminListen: none\n"
         "  MulticastInterfaces: [\n"
         "    {\n"
         "      Regex: eth.*\n"
         "      Beacon: false\n"
         "      Listen: true,\n"
         "      Port: 9001\n"
         "      Priority: 3\n"
         "      Password: 1234\n"
         "    },\n"
         "  ]\n"
         "  AllowedPublicKeys: []\n"
         "  IfName: none\n"
         "  IfMTU: 9000 // a comment after a number\n"
         "  NodeInfoPrivacy: true\n"
         "  NodeInfo: {\n"
         "    name: edge node   \n"
         "    \"quoted key\": \"tab\\there \\u00e9 \\\"q\\\" \\/ \\\\\"\n"
         "    'single key': 'say \"hi\" and \\'bye\\''\n"
         "    multi:\n"
         "      '''\n"
         "      first line\n"
         "        indented\n"
         "      last ''quoted''\n"
         "      '''\n"
         "    inline: '''  one line '''\n"
         "    numbers: [1, -2.5, 1e3, 0, 4503599627370496, -4503599627370497]\n"
         "    keywords: [true, false, null]\n"
         "    almost: true story\n"
         "    zeroes: 007\n"
         "    hex: 0x10\n"
         "    hash: a # b\n"
         "    url: http://x.example/y\n"
         "    block: text /* not a comment */\n"
         "    answer: 42 # a comment\n"
         "    empty: \"\"\n"
         "    emptyobj: {}\n"
         "    nested: { a: { b: [ [ ], {} ] } }\n"
         "    dash-key_1.x: y\n"
         "    /* a block\n"
         "       comment */ after: 1\n"
         "    list: [\n"
         "      one\n"
         "      two, three\n"
         "      { k: \"v\" }\n"
         "    ]\n"
         "  }\n"
         "}\n";
}

}  // namespace

class HjsonReaderTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HjsonReaderTest);
  CPPUNIT_TEST(readsGenconfLikeYggdrasil);
  CPPUNIT_TEST(readsEveryHjsonFormLikeYggdrasil);
  CPPUNIT_TEST(readsJsonAsJson);
  CPPUNIT_TEST(rootWithoutBraces);
  CPPUNIT_TEST(recordsPositions);
  CPPUNIT_TEST(surrogatePairsAndUtf8);
  CPPUNIT_TEST(errorsArePositioned);
  CPPUNIT_TEST(errorOnLine40NamesLine40);
  CPPUNIT_TEST(confParserTakesGenconf);
  CPPUNIT_TEST(confParserChecksHjsonValues);
  CPPUNIT_TEST(jsonLookingFilesOnlyHjsonAccepts);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { core::crypto::initSodium(); }

  void readsGenconfLikeYggdrasil() {
    for (int i = 0; i < 3; ++i) assertReadsLikeYggdrasil(runYggdrasil("-genconf"), "genconf.hjson");
  }

  void readsEveryHjsonFormLikeYggdrasil() {
    std::string conf = trickyConf(core::crypto::SigningKey::generate().hex());
    assertReadsLikeYggdrasil(conf, "tricky.hjson");
    // And the values themselves, so a bug shared with yggdrasil would show too.
    auto p = readHjson(conf);
    const auto& ni = p.value.get("NodeInfo");
    CPPUNIT_ASSERT_EQUAL(std::string("tls://peer.example:443?key=ab#frag   # part of the string"),
                         p.value.get("Peers")[0].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("edge node"), ni.get("name").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("tab\there \xC3\xA9 \"q\" / \\"), ni.get("quoted key").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("say \"hi\" and 'bye'"), ni.get("single key").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("first line\n  indented\nlast ''quoted''"), ni.get("multi").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("one line "), ni.get("inline").asString());
    CPPUNIT_ASSERT_EQUAL(-2.5, ni.get("numbers")[1].asDouble());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(4503599627370496ull), ni.get("numbers")[4].asUint64());
    CPPUNIT_ASSERT_EQUAL(std::string("18446744073709551615"), readHjson("n: 18446744073709551615").value.get("n").dump());
    CPPUNIT_ASSERT(ni.get("keywords")[2].isNull());
    CPPUNIT_ASSERT_EQUAL(std::string("true story"), ni.get("almost").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("007"), ni.get("zeroes").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("a # b"), ni.get("hash").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("text /* not a comment */"), ni.get("block").asString());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(42), ni.get("answer").asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("two, three"), ni.get("list")[1].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("1234"), *p.map.bareText("MulticastInterfaces[0].Password"));
  }

  void readsJsonAsJson() {
    // "1." is a number to hjson, though not to JSON (yggdrasil then fails re-encoding it; we keep it).
    CPPUNIT_ASSERT_EQUAL(1.0, readHjson("a: 1.").value.get("a").asDouble());
    std::string text = R"({"a": [1, 2.5, "x\n", true, null, {"b": {}}], "c": "#not a comment", "d": -0})";
    auto p = readHjson(text);
    CPPUNIT_ASSERT(p.value == json::Value::parse(text));
  }

  void rootWithoutBraces() {
    auto p = readHjson("a: 1\nb: [ \"x\" ]\n");
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"a":1,"b":["x"]})"), p.value.dump());
    CPPUNIT_ASSERT(readHjson("").value == json::Value::object());
    // A quoteless value runs to the end of its line, brackets included.
    CPPUNIT_ASSERT_EQUAL(std::string("x]"), readHjson("b: [x]\n]").value.get("b")[0].asString());
    CPPUNIT_ASSERT(readHjson("  # only a comment\n").value == json::Value::object());
    // A single value at the root is read as that value (the conf refuses it later).
    CPPUNIT_ASSERT_EQUAL(std::string("12"), readHjson("12").value.dump());
    CPPUNIT_ASSERT_EQUAL(std::string("\"x y\""), readHjson("\"x y\"").value.dump());
  }

  void recordsPositions() {
    std::string text = "{\n  Peers: [\n    tcp://a:1\n    2\n  ]\n  x: { y: true }\n}";
    auto p = readHjson(text);
    CPPUNIT_ASSERT_EQUAL(text.find("Peers"), *p.map.keyOffset("Peers"));
    CPPUNIT_ASSERT_EQUAL(text.find('['), *p.map.valueOffset("Peers"));
    CPPUNIT_ASSERT_EQUAL(text.find("tcp://"), *p.map.valueOffset("Peers[0]"));
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:4:5"), p.map.where("t.hjson", *p.map.valueOffset("Peers[1]")));
    CPPUNIT_ASSERT_EQUAL(text.find("y:"), *p.map.keyOffset("x.y"));
    CPPUNIT_ASSERT_EQUAL(std::string("true"), *p.map.bareText("x.y"));
    CPPUNIT_ASSERT(!p.map.bareText("Peers[0]"));
  }

  void surrogatePairsAndUtf8() {
    CPPUNIT_ASSERT_EQUAL(std::string("\xF0\x9F\x98\x80"), readHjson(R"(a: "\ud83d\ude00")").value.get("a").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("\xEF\xBF\xBD" "x"), readHjson(R"(a: "\ud83dx")").value.get("a").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("h\xC3\xA9llo w\xC3\xB6rld"), readHjson("a: h\xC3\xA9llo w\xC3\xB6rld").value.get("a").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:2:4: a byte that is not UTF-8 (the conf file must be UTF-8 text)"),
                         hjsonError("a: 1\nb: \xC3\x28\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:1:4: a NUL byte (the conf file must be UTF-8 text)"),
                         hjsonError(std::string("a: \0", 4)));
  }

  void errorsArePositioned() {
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:2:4: a key name cannot contain whitespace; put it in quotes"),
                         hjsonError("a: 1\nbad key: 2\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:2:1: expected a key name, found ']'"), hjsonError("a: 1\n]\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:1:8: expected ':' after the key \"a\", found '1'"), hjsonError("{ \"a\"  1 }"));
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:3:1: unexpected end of file in the object opened at line 1, column 1 (missing '}'?)"),
                         hjsonError("{\n  a: 1\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:2:1: unexpected end of file in the array opened at line 1, column 4 (missing ']'?)"),
                         hjsonError("a: [ x, y ]\n"));  // quoteless: "x, y ]" runs to the end of the line
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:2:1: found '}' but the array opened at line 1, column 18 is still open "
                                     "(a quoteless value runs to the end of its line: quote it, or one per line)"),
                         hjsonError("Plugins: { List: [ a, b ] }\n}\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:1:4: unterminated string"), hjsonError("a: \"abc"));
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:1:8: a quoted string cannot span lines (use \\n, or a ''' string)"),
                         hjsonError("a: \"abc\ndef\""));
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:1:6: unknown escape \\q in a string"), hjsonError(R"(a: "x\q")"));
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:1:5: \\u must be followed by four hex digits"), hjsonError(R"(a: "\u12g4")"));
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:1:4: unterminated ''' string"), hjsonError("a: '''abc''\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:2:3: unterminated /* comment"), hjsonError("a: 1\n  /* never closed\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:1:10: unexpected 'x' after the end of the document"), hjsonError("{ a: 1 } x"));
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:1:4: expected a value, found ','"), hjsonError("a: ,\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:1:1: ':' without a key name before it (write \"\" for an empty key)"), hjsonError(": 1"));
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:3:3: duplicate key \"x.a\" (first at line 2, column 3)"),
                         hjsonError("x: {\n  a: 1\n  a: 2\n}"));
    std::string deep(200, '[');
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:1:129: nested deeper than 128 objects and arrays"), hjsonError(deep));
  }

  void errorOnLine40NamesLine40() {
    std::string text = runYggdrasil("-genconf");  // 70-odd lines of comments and keys
    std::size_t at = 0;
    for (int line = 1; line < 40; ++line) at = text.find('\n', at) + 1;
    // Line 40 becomes a key with a space in it; nothing else changes.
    text.insert(at, "  bad key: 1\n");
    CPPUNIT_ASSERT_EQUAL(std::string("t.hjson:40:6: a key name cannot contain whitespace; put it in quotes"), hjsonError(text));
    try {
      ConfParser::parseText(text, "/etc/yggdrasil.conf");
      CPPUNIT_FAIL("accepted");
    } catch (const Error& e) {
      CPPUNIT_ASSERT_EQUAL(std::string("/etc/yggdrasil.conf:40:6: a key name cannot contain whitespace; put it in quotes"),
                           std::string(e.what()));
    }
  }

  void confParserTakesGenconf() {
    std::string text = runYggdrasil("-genconf");
    auto c = ConfParser::parseText(text, "yggdrasil.conf");
    std::string keyHex = text.substr(text.find("PrivateKey: ") + 12, 128);
    CPPUNIT_ASSERT_EQUAL(keyHex, c.node.privateKey);
    CPPUNIT_ASSERT(c.node.peers.empty() && c.node.listen.empty() && c.node.allowedPublicKeys.empty());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), c.node.multicastInterfaces.size());
    CPPUNIT_ASSERT_EQUAL(std::string(".*"), c.node.multicastInterfaces[0].regex);
    CPPUNIT_ASSERT(c.node.multicastInterfaces[0].beacon && c.node.multicastInterfaces[0].listen);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(65535), c.node.ifMTU);
    CPPUNIT_ASSERT(!c.node.nodeInfoPrivacy);
    CPPUNIT_ASSERT_EQUAL(std::string("{}"), c.node.nodeInfo);
    // IfName is ignored with a warning pointing into the HJSON file, as for JSON.
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), c.warnings.size());
    CPPUNIT_ASSERT_MESSAGE(c.warnings[0], c.warnings[0].find(": \"IfName\" is ignored: ") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(c.warnings[0], c.warnings[0].rfind("yggdrasil.conf:", 0) == 0);

    // The tricky conf too: quoteless numbers where strings belong are strings.
    auto t = ConfParser::parseText(trickyConf(keyHex), "tricky.conf");
    CPPUNIT_ASSERT_EQUAL(std::string("1234"), t.node.multicastInterfaces[0].password);
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(9001), t.node.multicastInterfaces[0].port);
    CPPUNIT_ASSERT_EQUAL(std::string("none"), t.node.adminListen);
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), t.node.peers.size());
    CPPUNIT_ASSERT_EQUAL(std::string("ws://x.example:1"), t.node.peers[2]);
  }

  void confParserChecksHjsonValues() {
    auto errorOf = [](const std::string& text) -> std::string {
      try {
        ConfParser::parseText(text, "y.conf");
      } catch (const Error& e) {
        return e.what();
      }
      CPPUNIT_FAIL("accepted: " + text);
      return "";
    };
    CPPUNIT_ASSERT_EQUAL(std::string("y.conf:2:10: \"IfMTU\" must be an unsigned integer, got string \"big\""),
                         errorOf("Peers: []\nIfMTU:   big\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("y.conf:3:1: unknown key \"Peer\" (did you mean \"Peers\"?)"), errorOf("{\n\nPeer: []\n}"));
    CPPUNIT_ASSERT_EQUAL(std::string("y.conf:1:1: the conf file must hold one JSON object, got integer"), errorOf("12"));
    CPPUNIT_ASSERT_EQUAL(std::string("y.conf:1:18: \"NodeInfoPrivacy\" must be true or false, got string \"yes\""),
                         errorOf("NodeInfoPrivacy: yes"));
    // null where yggdrasil writes Go's nil slices: empty, as in JSON.
    auto c = ConfParser::parseText("Peers: null\nNodeInfo: null\n", "y.conf");
    CPPUNIT_ASSERT(c.node.peers.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("{}"), c.node.nodeInfo);
  }

  void jsonLookingFilesOnlyHjsonAccepts() {
    // yggdrasil reads its JSON through hjson, so a trailing comma is fine there; here too.
    auto c = ConfParser::parseText("{\n  \"Peers\": [\"tcp://a:1\",],\n  \"IfMTU\": 1280,\n}", "j.conf");
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), c.node.peers.size());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1280), c.node.ifMTU);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HjsonReaderTest);

}  // namespace rtk::host
