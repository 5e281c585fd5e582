#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

#include "core/admin/RequestFramer.hpp"

using rtk::core::admin::RequestFramer;
using Status = RequestFramer::Status;

namespace {

// Feeds `stream` in pieces of `chunk` bytes; returns the framed values, then
// "<invalid>" / "<too large>" / "<pending>" for how the stream ended.
std::vector<std::string> frame(const std::string& stream, std::size_t chunk, std::size_t max = 1 << 20, bool eof = true) {
  RequestFramer f(max);
  std::vector<std::string> out;
  std::string value;
  for (std::size_t off = 0; off < stream.size(); off += chunk) {
    f.append(stream.substr(off, chunk));
    Status st;
    while ((st = f.next(value)) == Status::Request) out.push_back(value);
    if (st == Status::Invalid) return out.push_back("<invalid>"), out;
    if (st == Status::TooLarge) return out.push_back("<too large>"), out;
  }
  if (!eof) {
    if (f.pendingBytes()) out.push_back("<pending>");
    return out;
  }
  Status st = f.finish(value);
  if (st == Status::Request) out.push_back(value);
  if (st == Status::Invalid) out.push_back("<invalid>");
  return out;
}

using V = std::vector<std::string>;

}  // namespace

class RequestFramerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RequestFramerTest);
  CPPUNIT_TEST(splitsBackToBackValuesHoweverTheyArrive);
  CPPUNIT_TEST(stringsHideBrackets);
  CPPUNIT_TEST(topLevelScalars);
  CPPUNIT_TEST(refusesWhatCannotBeJson);
  CPPUNIT_TEST(boundsSizeAndDepth);
  CPPUNIT_TEST_SUITE_END();

 public:
  void splitsBackToBackValuesHoweverTheyArrive() {
    const std::string s = R"( {"request":"a","keepalive":true}{"request":"b"}
  [1,[2]] {})";
    const V want{R"({"request":"a","keepalive":true})", R"({"request":"b"})", "[1,[2]]", "{}"};
    for (std::size_t chunk : {1u, 2u, 7u, 1000u}) CPPUNIT_ASSERT(frame(s, chunk) == want);
    // Without end of input, a complete value is not held back.
    CPPUNIT_ASSERT(frame(R"({"request":"list"})", 3, 1 << 20, false) == V{R"({"request":"list"})"});
    CPPUNIT_ASSERT(frame(R"({"request":"list")", 3, 1 << 20, false) == V{"<pending>"});
  }

  void stringsHideBrackets() {
    const std::string s = R"({"a":"}]\"{[\\"}{"b":"\\\""})";
    CPPUNIT_ASSERT(frame(s, 1) == (V{R"({"a":"}]\"{[\\"})", R"({"b":"\\\""})"}));
  }

  void topLevelScalars() {
    CPPUNIT_ASSERT(frame(R"("str" null 7)", 1) == (V{"\"str\"", "null", "7"}));
    CPPUNIT_ASSERT(frame("true{}", 2) == (V{"true", "{}"}));
    CPPUNIT_ASSERT(frame("   ", 1).empty());
    // Cut short: a string or container at end of input is not a value.
    CPPUNIT_ASSERT(frame(R"({"request":"list")", 4) == V{"<invalid>"});
    CPPUNIT_ASSERT(frame(R"("abc)", 4) == V{"<invalid>"});
  }

  void refusesWhatCannotBeJson() {
    CPPUNIT_ASSERT(frame("garbage", 100, 1 << 20, false) == V{"<invalid>"});
    CPPUNIT_ASSERT(frame("{} ]", 100, 1 << 20, false) == (V{"{}", "<invalid>"}));
    CPPUNIT_ASSERT(frame(std::string("\x01", 1), 1, 1 << 20, false) == V{"<invalid>"});
  }

  void boundsSizeAndDepth() {
    CPPUNIT_ASSERT(frame("{\"request\":\"" + std::string(100, 'x'), 10, 64, false) == V{"<too large>"});
    CPPUNIT_ASSERT(frame("{\"request\":\"" + std::string(40, 'x') + "\"}", 10, 64) == V{"{\"request\":\"" + std::string(40, 'x') + "\"}"});
    CPPUNIT_ASSERT(frame(std::string(RequestFramer::kMaxDepth, '[') + std::string(RequestFramer::kMaxDepth, ']'), 50).size() == 1);
    CPPUNIT_ASSERT(frame(std::string(RequestFramer::kMaxDepth + 1, '['), 50, 1 << 20, false) == V{"<invalid>"});
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RequestFramerTest);
