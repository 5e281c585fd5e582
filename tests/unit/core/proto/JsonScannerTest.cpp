#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "GoVectors.hpp"
#include "core/proto/JsonScanner.hpp"

using rtk::core::proto::JsonScanner;
using Step = JsonScanner::Step;

namespace {
// Feeds `text`; returns the index of the byte where the first value ended
// (exclusive end) or -1 (need more) or -2 (error at some byte).
long frame(const std::string& text, Step* last = nullptr) {
  JsonScanner s;
  for (std::size_t i = 0; i < text.size(); ++i) {
    Step st = s.feed(static_cast<std::uint8_t>(text[i]));
    if (last) *last = st;
    if (st == Step::End) return static_cast<long>(i + 1);
    if (st == Step::EndBefore) return static_cast<long>(i);
    if (st == Step::Error) return -2;
  }
  return -1;
}
}  // namespace

class JsonScannerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(JsonScannerTest);
  CPPUNIT_TEST(findsTheEndOfAnObject);
  CPPUNIT_TEST(topLevelNumberEndsAtTheNextByte);
  CPPUNIT_TEST(reportsGarbageAtTheFirstBadByte);
  CPPUNIT_TEST(finishHandlesEndOfInput);
  CPPUNIT_TEST(agreesWithGoOnValidity);
  CPPUNIT_TEST(limitsNesting);
  CPPUNIT_TEST(resetAllowsTheNextValue);
  CPPUNIT_TEST_SUITE_END();

 public:
  void findsTheEndOfAnObject() {
    std::string s = R"(  {"a":[1,{"b":"}]"}],"c":null}{"next":1})";
    long end = frame(s);
    CPPUNIT_ASSERT_EQUAL(static_cast<long>(s.find("}{") + 1), end);
    CPPUNIT_ASSERT_EQUAL(-1L, frame(R"({"request":"getSelf")"));
    CPPUNIT_ASSERT_EQUAL(6L, frame(R"("a\"b")"));
    CPPUNIT_ASSERT_EQUAL(4L, frame("true false"));
  }

  void topLevelNumberEndsAtTheNextByte() {
    Step last{};
    CPPUNIT_ASSERT_EQUAL(3L, frame("123 ", &last));
    CPPUNIT_ASSERT(last == Step::EndBefore);
    CPPUNIT_ASSERT_EQUAL(-1L, frame("123"));
    CPPUNIT_ASSERT_EQUAL(4L, frame("-1.5{"));
    CPPUNIT_ASSERT_EQUAL(5L, frame("[1e5]"));
  }

  void reportsGarbageAtTheFirstBadByte() {
    JsonScanner s;
    CPPUNIT_ASSERT(s.feed('g') == Step::Error);
    CPPUNIT_ASSERT(s.feed('{') == Step::Error);  // stays failed
    CPPUNIT_ASSERT_EQUAL(-2L, frame("{x"));
    CPPUNIT_ASSERT_EQUAL(-2L, frame("{\"a\" 1"));
    CPPUNIT_ASSERT_EQUAL(-2L, frame("[1,]"));
    CPPUNIT_ASSERT_EQUAL(-2L, frame("\"tab\there\""));
    CPPUNIT_ASSERT_EQUAL(-2L, frame("\"\\x\""));
    CPPUNIT_ASSERT_EQUAL(-2L, frame("-a"));
    CPPUNIT_ASSERT_EQUAL(-2L, frame("nul!"));
  }

  void finishHandlesEndOfInput() {
    JsonScanner s;
    CPPUNIT_ASSERT(s.finish() == Step::Continue);
    for (char c : std::string("  \n")) s.feed(static_cast<std::uint8_t>(c));
    CPPUNIT_ASSERT(s.finish() == Step::Continue);
    CPPUNIT_ASSERT(!s.started());
    s.reset();
    for (char c : std::string("42")) s.feed(static_cast<std::uint8_t>(c));
    CPPUNIT_ASSERT(s.started());
    CPPUNIT_ASSERT(s.finish() == Step::End);
    s.reset();
    for (char c : std::string("{\"a\":1")) s.feed(static_cast<std::uint8_t>(c));
    CPPUNIT_ASSERT(s.finish() == Step::Error);
    s.reset();
    for (char c : std::string("4.")) s.feed(static_cast<std::uint8_t>(c));
    CPPUNIT_ASSERT(s.finish() == Step::Error);
  }

  void agreesWithGoOnValidity() {
    int checked = 0;
    for (const auto& row : rtk::test::goJsonVectors()) {
      if (row[0] == "invalid") {
        std::string doc = rtk::test::unhex(row[1]);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(doc, row[2] == "true", JsonScanner::isValid(doc));
        ++checked;
      } else if (row[0] == "doc") {
        CPPUNIT_ASSERT_MESSAGE(row[1], JsonScanner::isValid(rtk::test::unhex(row[1])));
        ++checked;
      }
    }
    CPPUNIT_ASSERT(checked >= 20);
  }

  void limitsNesting() {
    std::string ok(JsonScanner::kMaxDepth, '[');
    ok += std::string(JsonScanner::kMaxDepth, ']');
    CPPUNIT_ASSERT(JsonScanner::isValid(ok));
    std::string deep(JsonScanner::kMaxDepth + 1, '[');
    deep += std::string(JsonScanner::kMaxDepth + 1, ']');
    CPPUNIT_ASSERT(!JsonScanner::isValid(deep));
  }

  void resetAllowsTheNextValue() {
    JsonScanner s;
    std::string two = "{}[]";
    CPPUNIT_ASSERT(s.feed('{') == Step::Continue);
    CPPUNIT_ASSERT(s.feed('}') == Step::End);
    CPPUNIT_ASSERT(s.feed('[') == Step::Error);  // done until reset
    s.reset();
    CPPUNIT_ASSERT(s.feed('[') == Step::Continue);
    CPPUNIT_ASSERT(s.feed(']') == Step::End);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(JsonScannerTest);
