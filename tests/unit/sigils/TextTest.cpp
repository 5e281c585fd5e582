// The text rules behind the sigils (Go's utf8/unicode/strings semantics).
#include <cppunit/extensions/HelperMacros.h>

#include "Text.hpp"

namespace rtk::sigils::text {

class TextTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TextTest);
  CPPUNIT_TEST(decodesUtf8);
  CPPUNIT_TEST(printableIsGoIsPrint);
  CPPUNIT_TEST(trimSpaceIsGoTrimSpace);
  CPPUNIT_TEST(quotesForMessages);
  CPPUNIT_TEST(patterns);
  CPPUNIT_TEST_SUITE_END();

 public:
  void decodesUtf8() {
    auto d = decodeUtf8("aé€🌲");
    CPPUNIT_ASSERT(d.has_value());
    CPPUNIT_ASSERT((*d == std::vector<char32_t>{U'a', U'é', U'€', U'🌲'}));
    for (const std::string& bad : std::vector<std::string>{"\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff", "a\x80"})
      CPPUNIT_ASSERT_MESSAGE(quoted(bad), !decodeUtf8(bad).has_value());
    CPPUNIT_ASSERT(decodeUtf8("")->empty());
  }

  void printableIsGoIsPrint() {
    for (char32_t c : {U' ', U'a', U'~', U'\u00a1', U'\u00e9', U'\u0301', U'\u20ac', U'\u4e2d', U'\U0001F332', U'\U0001FAE8', U'\U0001F6DC'})
      CPPUNIT_ASSERT_MESSAGE(std::to_string(static_cast<unsigned>(c)), isPrintable(c));
    for (char32_t c : {U'\0', U'\t', U'\x7f', U'\u0085', U'\u00a0', U'\u00ad', U'\u0378', U'\u2028', U'\u200b', U'\u3000', U'\ue000',
                       U'\U0010FFFF', static_cast<char32_t>(0x110000)})
      CPPUNIT_ASSERT_MESSAGE(std::to_string(static_cast<unsigned>(c)), !isPrintable(c));
  }

  void trimSpaceIsGoTrimSpace() {
    CPPUNIT_ASSERT_EQUAL(std::string("a b"), std::string(trimSpace(" \t\n\v\f\r a b \u0085\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000")));
    CPPUNIT_ASSERT_EQUAL(std::string("\u200bx\u200b"), std::string(trimSpace("\u200bx\u200b")));  // zero width: not a space
    CPPUNIT_ASSERT_EQUAL(std::string(""), std::string(trimSpace("   ")));
    CPPUNIT_ASSERT_EQUAL(std::string("\xff "), std::string(trimSpace(" \xff ")).substr(0, 1) + " ");
    CPPUNIT_ASSERT_EQUAL(std::string("\xe3\x80"), std::string(trimSpace("\xe3\x80")));  // a cut-off U+3000 is not trimmed
  }

  void quotesForMessages() {
    CPPUNIT_ASSERT_EQUAL(std::string("\"a\\\"b\\\\c\""), quoted("a\"b\\c"));
    CPPUNIT_ASSERT_EQUAL(std::string("\"\\x0a\\xc3\\xa9\""), quoted("\né"));
    CPPUNIT_ASSERT_EQUAL(std::string("\"") + std::string(64, 'x') + "\"...", quoted(std::string(100, 'x')));
  }

  void patterns() {
    constexpr Pattern p{"^[a-c]{2,3}$", "abc", 2, 3};
    CPPUNIT_ASSERT(p.matches("ab") && p.matches("cba"));
    CPPUNIT_ASSERT(!p.matches("a") && !p.matches("abca") && !p.matches("ad") && !p.matches("a\xe1"));
    CPPUNIT_ASSERT_EQUAL(std::string("\"ad\" does not match ^[a-c]{2,3}$"), p.problem("ad"));
    CPPUNIT_ASSERT_EQUAL(std::string(), p.problem("abc"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TextTest);

}  // namespace rtk::sigils::text
