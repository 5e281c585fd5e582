#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "core/proto/Json.hpp"
#include "ratatoskr/error.hpp"

namespace json = rtk::core::proto::json;

class JsonTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(JsonTest);
  CPPUNIT_TEST(scalarsAndContainersAtTheTop);
  CPPUNIT_TEST(exactlyOneValue);
  CPPUNIT_TEST(byteFfAfterTheValueIsRejected);
  CPPUNIT_TEST(keyOrderFollowsTheOption);
  CPPUNIT_TEST_SUITE_END();

 public:
  void scalarsAndContainersAtTheTop() {
    CPPUNIT_ASSERT_EQUAL(std::string("7"), json::write(json::parse(" 7 ")));
    CPPUNIT_ASSERT_EQUAL(std::string("\"x\""), json::write(json::parse("\"x\"")));
    CPPUNIT_ASSERT_EQUAL(std::string("[1,2]"), json::write(json::parse("[1, 2]")));
    CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":true}"), json::write(json::parse("{\"a\": true}")));
  }

  void exactlyOneValue() {
    for (const char* bad : {"", "  ", "1 2", "1,2", "{}x", "[0]]", "[0] ]", "\"a\"\"b\""})
      CPPUNIT_ASSERT_MESSAGE(bad, !json::tryParse(bad));
    CPPUNIT_ASSERT_THROW(json::parse("{} {}"), rtk::Error);
  }

  // Poco's Parser::parse(std::string) reads 0xFF as the end of its input, so
  // anything after it went unnoticed (a fuzz_admin_request finding).
  void byteFfAfterTheValueIsRejected() {
    CPPUNIT_ASSERT(!json::tryParse(std::string("0]\xff\xff\x01\x00" "B\xa7\"\"", 11)));
    CPPUNIT_ASSERT(!json::tryParse("{\"a\":1}\xff"));
    CPPUNIT_ASSERT(!json::tryParse("{\"a\":1}\xffgarbage"));
    CPPUNIT_ASSERT(!json::tryParse("\"x\xffy\""));
  }

  void keyOrderFollowsTheOption() {
    const char* text = R"({"b":1,"a":2})";
    CPPUNIT_ASSERT_EQUAL(std::string(text), json::write(json::parse(text, json::Order::Keep)));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"a":2,"b":1})"), json::write(json::parse(text, json::Order::Sorted)));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(JsonTest);
