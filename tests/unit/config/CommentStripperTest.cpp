#include <cppunit/extensions/HelperMacros.h>

#include "config/CommentStripper.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::host {

class CommentStripperTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CommentStripperTest);
  CPPUNIT_TEST(blanksEveryCommentKindKeepingOffsets);
  CPPUNIT_TEST(leavesStringsAlone);
  CPPUNIT_TEST(unterminatedBlockIsPositioned);
  CPPUNIT_TEST_SUITE_END();

 public:
  void blanksEveryCommentKindKeepingOffsets() {
    std::string in = "// head\n{ # hash\n  \"a\": /* in\nline */ 1\n}\n";
    std::string out = CommentStripper::strip(in, "t.conf");
    CPPUNIT_ASSERT_EQUAL(in.size(), out.size());
    CPPUNIT_ASSERT_EQUAL(std::string("       \n{       \n  \"a\":      \n        1\n}\n"), out);
  }

  void leavesStringsAlone() {
    std::string in = R"({"u": "tls://h:443#frag/*x*/", "q": "say \"//hi\"", "n": 1} // end)";
    std::string out = CommentStripper::strip(in, "t.conf");
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"u": "tls://h:443#frag/*x*/", "q": "say \"//hi\"", "n": 1}       )"), out);
  }

  void unterminatedBlockIsPositioned() {
    try {
      CommentStripper::strip("{\n  \"a\": 1 /* open\n}", "t.conf");
      CPPUNIT_FAIL("accepted");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::Config);
      CPPUNIT_ASSERT_EQUAL(std::string("t.conf:2:10: unterminated /* comment"), std::string(e.what()));
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CommentStripperTest);

}  // namespace rtk::host
