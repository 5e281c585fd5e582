#include <cppunit/extensions/HelperMacros.h>

#include <cstring>
#include <string>

#include "SigilServiceParser.hpp"
#include "ratatoskr/abi.hpp"

using rtk::json::Value;
using rtk::plugins::ninfo::SigilServiceParser;

namespace {

// A sigil plugin's table as C code provides it: "weather" owns "weather";
// match() wants a string "weather" key; parse() also returns a key it does
// not own, which the parser must drop.
const char* const kWeatherKeys[] = {"weather", nullptr};

std::int32_t weatherMatch(void*, rtk_str nodeInfo) {
  const std::string text(nodeInfo.data, nodeInfo.size);
  return text.find("\"weather\":\"") != std::string::npos ? 1 : 0;
}

rtk_status weatherParse(void*, rtk_str nodeInfo, rtk_sink* fragment, rtk_sink*) {
  auto v = Value::parse(std::string_view(nodeInfo.data, nodeInfo.size));
  auto out = Value::object();
  out.set("weather", v.get("weather"));
  out.set("name", "not mine");
  rtk::sdk::writeSink(fragment, out.dump());
  return RTK_OK;
}

rtk_sigil_service weatherTable() {
  rtk_sigil_service t{};
  t.struct_size = sizeof t;
  t.name = "weather";
  t.keys = kWeatherKeys;
  t.params = nullptr;  // parse-only
  t.match = &weatherMatch;
  t.parse = &weatherParse;
  return t;
}

}  // namespace

class SigilServiceParserTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SigilServiceParserTest);
  CPPUNIT_TEST(matchThenParseKeepingOwnedKeysOnly);
  CPPUNIT_TEST(noMatchIsNoFragment);
  CPPUNIT_TEST(tableWithoutParseIsRefused);
  CPPUNIT_TEST_SUITE_END();

 public:
  void matchThenParseKeepingOwnedKeysOnly() {
    const rtk_sigil_service table = weatherTable();
    SigilServiceParser parser(table, "weather-sigil");
    CPPUNIT_ASSERT_EQUAL(std::string("weather"), parser.name());
    CPPUNIT_ASSERT_EQUAL(std::string("weather-sigil"), parser.provider());
    auto fragment = parser.parse(Value::parse(R"({"name":"n","weather":"sunny"})"));
    CPPUNIT_ASSERT(fragment);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"weather":"sunny"})"), fragment->dump());
  }

  void noMatchIsNoFragment() {
    const rtk_sigil_service table = weatherTable();
    SigilServiceParser parser(table, "weather-sigil");
    CPPUNIT_ASSERT(!parser.parse(Value::parse(R"({"weather":3})")));
    CPPUNIT_ASSERT(!parser.parse(Value::parse(R"({})")));
  }

  void tableWithoutParseIsRefused() {
    rtk_sigil_service table = weatherTable();
    table.parse = nullptr;
    try {
      SigilServiceParser parser(table, "broken-sigil");
      CPPUNIT_FAIL("accepted a table without parse");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Abi);
      CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("\"broken-sigil\"") != std::string::npos);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SigilServiceParserTest);
