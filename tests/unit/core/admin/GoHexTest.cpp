#include <cppunit/extensions/HelperMacros.h>

#include "core/admin/GoHex.hpp"

using rtk::core::Bytes;
using rtk::core::admin::GoHex;

class GoHexTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(GoHexTest);
  CPPUNIT_TEST(decodes);
  CPPUNIT_TEST(errorTextsMatchGo);
  CPPUNIT_TEST_SUITE_END();

 public:
  void decodes() {
    Bytes out;
    CPPUNIT_ASSERT(!GoHex::decode("00ffAb", out));
    CPPUNIT_ASSERT(out == Bytes({0x00, 0xff, 0xab}));
    CPPUNIT_ASSERT(!GoHex::decode("", out));
    CPPUNIT_ASSERT(out.empty());
  }

  void errorTextsMatchGo() {
    Bytes out;
    // The first two are what a real 0.5.12 node answered (see data/real_node_replies.txt).
    CPPUNIT_ASSERT_EQUAL(std::string("encoding/hex: invalid byte: U+007A 'z'"), *GoHex::decode("zz", out));
    CPPUNIT_ASSERT_EQUAL(std::string("encoding/hex: odd length hex string"), *GoHex::decode("abc", out));
    CPPUNIT_ASSERT_EQUAL(std::string("encoding/hex: invalid byte: U+0067 'g'"), *GoHex::decode("g1", out));
    CPPUNIT_ASSERT_EQUAL(std::string("encoding/hex: invalid byte: U+0067 'g'"), *GoHex::decode("1g", out));
    CPPUNIT_ASSERT_EQUAL(std::string("encoding/hex: invalid byte: U+0001"), *GoHex::decode("0\x01", out));
    CPPUNIT_ASSERT_EQUAL(std::string("encoding/hex: invalid byte: U+0078 'x'"), *GoHex::decode("00x", out));
    CPPUNIT_ASSERT_EQUAL(std::string("encoding/hex: invalid byte: U+00C3 '\xc3\x83'"), *GoHex::decode("\xc3\xa9", out));
    CPPUNIT_ASSERT_EQUAL(std::string("encoding/hex: invalid byte: U+00AD"), *GoHex::decode("\xad" "0", out));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(GoHexTest);
