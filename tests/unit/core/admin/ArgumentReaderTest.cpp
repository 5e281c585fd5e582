#include <cppunit/extensions/HelperMacros.h>

#include "core/admin/ArgumentReader.hpp"
#include "ratatoskr/error.hpp"

using rtk::core::admin::ArgumentReader;

namespace {
std::string errorOf(const std::string& args, const std::string& type, std::initializer_list<std::string_view> fields) {
  try {
    ArgumentReader::read(args, type, fields);
  } catch (const rtk::Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

class ArgumentReaderTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ArgumentReaderTest);
  CPPUNIT_TEST(readsStringFields);
  CPPUNIT_TEST(errorsMatchGo);
  CPPUNIT_TEST_SUITE_END();

 public:
  void readsStringFields() {
    auto a = ArgumentReader::read(R"({"uri":"tcp://h:1","Interface":"eth0","other":5})", "admin.AddPeerRequest",
                                  {"uri", "interface"});
    CPPUNIT_ASSERT_EQUAL(std::string("tcp://h:1"), a["uri"]);
    CPPUNIT_ASSERT_EQUAL(std::string("eth0"), a["interface"]);
    a = ArgumentReader::read("null", "core.GetNodeInfoRequest", {"key"});
    CPPUNIT_ASSERT_EQUAL(std::string(""), a["key"]);
    a = ArgumentReader::read(R"({"key":"a","key":null,"KEY":"b"})", "core.GetNodeInfoRequest", {"key"});
    CPPUNIT_ASSERT_EQUAL(std::string("b"), a["key"]);
    a = ArgumentReader::read("", "x.Y", {"key"});
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.size());
  }

  void errorsMatchGo() {
    // Texts a real 0.5.12 node answered with (data/real_node_replies.txt).
    CPPUNIT_ASSERT_EQUAL(std::string("json: cannot unmarshal number into Go value of type admin.GetSelfRequest"),
                         errorOf("5", "admin.GetSelfRequest", {}));
    CPPUNIT_ASSERT_EQUAL(std::string("json: cannot unmarshal array into Go value of type admin.GetSelfRequest"),
                         errorOf("[1]", "admin.GetSelfRequest", {}));
    CPPUNIT_ASSERT_EQUAL(
        std::string("json: cannot unmarshal number into Go struct field GetNodeInfoRequest.key of type string"),
        errorOf(R"({"key":5})", "core.GetNodeInfoRequest", {"key"}));
    CPPUNIT_ASSERT_EQUAL(
        std::string("json: cannot unmarshal object into Go struct field GetNodeInfoRequest.key of type string"),
        errorOf(R"({"KEY":{}})", "core.GetNodeInfoRequest", {"key"}));
    // The first type error wins.
    CPPUNIT_ASSERT_EQUAL(std::string("json: cannot unmarshal bool into Go struct field AddPeerRequest.interface of type string"),
                         errorOf(R"({"interface":true,"uri":1})", "admin.AddPeerRequest", {"uri", "interface"}));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ArgumentReaderTest);
