#include <cppunit/extensions/HelperMacros.h>

#include <limits>

#include "ratatoskr/json.hpp"

namespace rtk {
namespace {

std::string parseError(std::string_view text, std::size_t depth = 128) {
  try {
    json::Value::parse(text, depth);
  } catch (const Error& e) {
    CPPUNIT_ASSERT(e.code() == Errc::InvalidArgument);
    return e.what();
  }
  CPPUNIT_FAIL("accepted: " + std::string(text));
  return "";
}

}  // namespace

class JsonTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(JsonTest);
  CPPUNIT_TEST(roundTripsDocuments);
  CPPUNIT_TEST(integersAreExact);
  CPPUNIT_TEST(stringsEscapeAndDecode);
  CPPUNIT_TEST(rejectsMalformedText);
  CPPUNIT_TEST(parsesTopLevelScalars);
  CPPUNIT_TEST(convertsToAndFromPoco);
  CPPUNIT_TEST(accessorsCheckTypes);
  CPPUNIT_TEST(buildsAndCompares);
  CPPUNIT_TEST_SUITE_END();

 public:
  void roundTripsDocuments() {
    const char* text = R"({"a":[1,-2,3.5,true,false,null],"b":{"c":"d","e":{}},"f":[]})";
    auto v = json::Value::parse(text);
    CPPUNIT_ASSERT_EQUAL(std::string(text), v.dump());
    CPPUNIT_ASSERT(json::Value::parse(v.dump(2)) == v);
    CPPUNIT_ASSERT_EQUAL(std::string("{\n  \"x\": [\n    1\n  ]\n}"), json::Value::parse(R"({"x":[1]})").dump(2));
    auto keys = v.keys();
    CPPUNIT_ASSERT((keys == std::vector<std::string>{"a", "b", "f"}));
  }

  void integersAreExact() {
    auto v = json::Value::parse("[9223372036854775807,-9223372036854775808,18446744073709551615,9007199254740993]");
    CPPUNIT_ASSERT_EQUAL(std::numeric_limits<std::int64_t>::max(), v[0].asInt64());
    CPPUNIT_ASSERT_EQUAL(std::numeric_limits<std::int64_t>::min(), v[1].asInt64());
    CPPUNIT_ASSERT_EQUAL(std::numeric_limits<std::uint64_t>::max(), v[2].asUint64());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(9007199254740993ull), v[3].asUint64());
    CPPUNIT_ASSERT_EQUAL(std::string("[9223372036854775807,-9223372036854775808,18446744073709551615,9007199254740993]"), v.dump());
    CPPUNIT_ASSERT(json::Value::parse("2.0").isInteger());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), json::Value::parse("2.0").asUint64());
    CPPUNIT_ASSERT(!json::Value::parse("2.5").isInteger());
  }

  void stringsEscapeAndDecode() {
    auto v = json::Value::parse(R"("a\"b\\c\/d\n\t\u00e9\ud83d\ude00")");
    CPPUNIT_ASSERT_EQUAL(std::string("a\"b\\c/d\n\t\xc3\xa9\xf0\x9f\x98\x80"), v.asString());
    CPPUNIT_ASSERT_EQUAL(std::string(R"("a\"b\\c/d\n\té😀")"), v.dump());
    CPPUNIT_ASSERT_EQUAL(std::string(R"("\u0001")"), json::Value(std::string("\x01")).dump());
  }

  // Poco::JSON's reasons, with the byte offset the stream stopped at.
  void rejectsMalformedText() {
    CPPUNIT_ASSERT_EQUAL(std::string("json: at byte 7: unexpected byte '}' in value"), parseError(R"({"a":1,})"));
    CPPUNIT_ASSERT_EQUAL(std::string("json: at byte 2: unexpected byte '1'"), parseError("[01]"));
    CPPUNIT_ASSERT_EQUAL(std::string("json: at byte 1: invalid UTF-8 character"), parseError("\"\xff\""));
    CPPUNIT_ASSERT_EQUAL(std::string("json: at byte 1: invalid UTF-8 character"), parseError("\"\xc0\xaf\""));  // overlong
    CPPUNIT_ASSERT(parseError(R"("\ud800")").find("json: at byte 7: invalid continuation for surrogate pair") == 0);
    CPPUNIT_ASSERT_EQUAL(std::string("json: at byte 1: unescaped control character in string"), parseError("\"\n\""));
    CPPUNIT_ASSERT(parseError("1e999").find("json: at byte 4: Not a valid floating-point number") == 0);
    CPPUNIT_ASSERT_EQUAL(std::string("json: at byte 3: unexpected text after the JSON value"), parseError("{} {}"));
    CPPUNIT_ASSERT_EQUAL(std::string("json: at byte 5: unexpected byte 'x'"), parseError("true x"));
    CPPUNIT_ASSERT_EQUAL(std::string("json: at byte 0: unexpected end of text"), parseError(""));
    CPPUNIT_ASSERT_EQUAL(std::string("json: at byte 5: expected ',' or '}' after member value"), parseError(R"({"a":1)"));
    CPPUNIT_ASSERT_EQUAL(std::string("json: at byte 3: Maximum depth exceeded"), parseError("[[[[1]]]]", 3));
    CPPUNIT_ASSERT(parseError("tru").find("json: at byte 3: expected 'e'") == 0);
    std::string deep(100000, '[');
    CPPUNIT_ASSERT_EQUAL(std::string("json: at byte 128: Maximum depth exceeded"), parseError(deep));
    // Poco's rule for a repeated key: the last one wins.
    CPPUNIT_ASSERT_EQUAL(std::int64_t(2), json::Value::parse(R"({"a":1,"a":2})").get("a").asInt64());
  }

  // Bare scalars are whole documents too (RFC 8259).
  void parsesTopLevelScalars() {
    CPPUNIT_ASSERT(json::Value::parse(" true ").asBool());
    CPPUNIT_ASSERT(json::Value::parse("null").isNull());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(-5), json::Value::parse("-5").asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("x"), json::Value::parse(R"("x")").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("json: at byte 3: more than one JSON value"), parseError("1,2"));
  }

  void convertsToAndFromPoco() {
    auto v = json::Value::parse(R"({"z":[1,"two",null],"a":{"b":false}})");
    auto poco = json::toPoco(v);
    auto obj = poco.extract<Poco::JSON::Object::Ptr>();
    CPPUNIT_ASSERT(obj->getArray("z")->getElement<std::string>(1) == "two");
    CPPUNIT_ASSERT(json::fromPoco(poco) == v);
    CPPUNIT_ASSERT_EQUAL(v.dump(), json::fromPoco(poco).dump());
  }

  void accessorsCheckTypes() {
    auto v = json::Value::parse(R"({"s":"x","n":-1,"big":18446744073709551615})");
    try {
      v.get("s").asInt64();
      CPPUNIT_FAIL("string as integer");
    } catch (const Error& e) {
      CPPUNIT_ASSERT_EQUAL(std::string("json: expected integer, got string"), std::string(e.what()));
    }
    try {
      v.get("n").asUint64();
      CPPUNIT_FAIL("negative as unsigned");
    } catch (const Error& e) {
      CPPUNIT_ASSERT_EQUAL(std::string("json: -1 does not fit an unsigned 64-bit integer"), std::string(e.what()));
    }
    try {
      v.get("big").asInt64();
      CPPUNIT_FAIL("2^64-1 as signed");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::InvalidArgument);
    }
    CPPUNIT_ASSERT(v.get("missing").isNull());
    CPPUNIT_ASSERT(v.get("s").get("x").isNull());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), v.get("s").size());
  }

  void buildsAndCompares() {
    json::Value v;
    v.set("b", 1);
    v.set("a", json::Value::array());
    v.find("a")->push("x");
    v.set("b", 2);  // replaces in place
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"b":2,"a":["x"]})"), v.dump());
    CPPUNIT_ASSERT(v == json::Value::parse(R"({"a":["x"],"b":2.0})"));
    CPPUNIT_ASSERT(!(v == json::Value::parse(R"({"a":["x"],"b":3})")));
    CPPUNIT_ASSERT(v.erase("b") && !v.erase("b"));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"a":["x"]})"), v.dump());
    CPPUNIT_ASSERT_EQUAL(std::string("null"), json::Value(std::numeric_limits<double>::infinity()).dump());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(JsonTest);

}  // namespace rtk
