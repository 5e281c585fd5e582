#include <cppunit/extensions/HelperMacros.h>

#include "core/proto/JsonValue.hpp"

using rtk::core::proto::JsonValue;

class JsonValueTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(JsonValueTest);
  CPPUNIT_TEST(keepsRawSpans);
  CPPUNIT_TEST(decodesStringsLikeGo);
  CPPUNIT_TEST(lastMemberFollowsGoMatching);
  CPPUNIT_TEST(rejectsInvalidText);
  CPPUNIT_TEST(namesKindsLikeGo);
  CPPUNIT_TEST_SUITE_END();

 public:
  void keepsRawSpans() {
    std::string text = R"( {"a": [1, 2.50e3], "b" : {"c": "d"}, "n":null} )";
    auto v = JsonValue::parse(text);
    CPPUNIT_ASSERT(v);
    CPPUNIT_ASSERT(v->kind() == JsonValue::Kind::Object);
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), v->members().size());
    CPPUNIT_ASSERT_EQUAL(std::string("[1, 2.50e3]"), std::string(v->members()[0].second.raw()));
    CPPUNIT_ASSERT_EQUAL(std::string("2.50e3"), std::string(v->members()[0].second.items()[1].raw()));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"c": "d"})"), std::string(v->members()[1].second.raw()));
    CPPUNIT_ASSERT(v->members()[2].second.isNull());
    CPPUNIT_ASSERT_EQUAL(text.substr(1, text.size() - 2), std::string(v->raw()));
  }

  void decodesStringsLikeGo() {
    auto s = [](const std::string& json) { return JsonValue::parse(json)->string(); };
    CPPUNIT_ASSERT_EQUAL(std::string("a\"b\\c/d\b\f\n\r\t"), s(R"("a\"b\\c\/d\b\f\n\r\t")"));
    CPPUNIT_ASSERT_EQUAL(std::string("\xc3\xa9"), s(R"("\u00e9")"));
    CPPUNIT_ASSERT_EQUAL(std::string("\xf0\x9f\x98\x80"), s(R"("\ud83d\ude00")"));
    // Unpaired surrogates and invalid UTF-8 become U+FFFD, one per bad unit.
    CPPUNIT_ASSERT_EQUAL(std::string("\xef\xbf\xbd" "x"), s(R"("\ud800x")"));
    CPPUNIT_ASSERT_EQUAL(std::string("\xef\xbf\xbd" "A"), s(R"("\ud800\u0041")"));
    CPPUNIT_ASSERT_EQUAL(std::string("\xef\xbf\xbd"), s(R"("\udc00")"));
    CPPUNIT_ASSERT_EQUAL(std::string("a\xef\xbf\xbd" "b"), s("\"a\xff" "b\""));
    CPPUNIT_ASSERT_EQUAL(std::string("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"), s("\"\xed\xa0\x80\""));
  }

  void lastMemberFollowsGoMatching() {
    auto v = JsonValue::parse(R"({"KEY":"a","key":"b","other":1})");
    CPPUNIT_ASSERT_EQUAL(std::string("b"), v->lastMember("key")->string());
    v = JsonValue::parse(R"({"key":"a","Key":"b"})");
    CPPUNIT_ASSERT_EQUAL(std::string("b"), v->lastMember("key")->string());
    // U+212A KELVIN SIGN folds to 'k' in Go.
    v = JsonValue::parse("{\"\xe2\x84\xaa" "ey\":\"kelvin\"}");
    CPPUNIT_ASSERT_EQUAL(std::string("kelvin"), v->lastMember("key")->string());
    CPPUNIT_ASSERT(v->lastMember("keys") == nullptr);
    CPPUNIT_ASSERT_EQUAL(JsonValue::foldName("request"), JsonValue::foldName("ReQuEsT"));
  }

  void rejectsInvalidText() {
    CPPUNIT_ASSERT(!JsonValue::parse(""));
    CPPUNIT_ASSERT(!JsonValue::parse("{"));
    CPPUNIT_ASSERT(!JsonValue::parse("{} {}"));
    CPPUNIT_ASSERT(!JsonValue::parse("[1,]"));
    CPPUNIT_ASSERT(!JsonValue::parse("01"));
    CPPUNIT_ASSERT(!JsonValue::parse("\"\\u12\""));
    CPPUNIT_ASSERT(!JsonValue::parse(std::string(600, '[') + std::string(600, ']')));
    CPPUNIT_ASSERT(JsonValue::parse(" 0 "));
  }

  void namesKindsLikeGo() {
    CPPUNIT_ASSERT_EQUAL(std::string("number"), std::string(JsonValue::goKindName(JsonValue::parse("5")->kind())));
    CPPUNIT_ASSERT_EQUAL(std::string("bool"), std::string(JsonValue::goKindName(JsonValue::parse("true")->kind())));
    CPPUNIT_ASSERT_EQUAL(std::string("array"), std::string(JsonValue::goKindName(JsonValue::parse("[]")->kind())));
    CPPUNIT_ASSERT_EQUAL(std::string("object"), std::string(JsonValue::goKindName(JsonValue::parse("{}")->kind())));
    CPPUNIT_ASSERT_EQUAL(std::string("string"), std::string(JsonValue::goKindName(JsonValue::parse("\"\"")->kind())));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(JsonValueTest);
