#include <cppunit/extensions/HelperMacros.h>

#include "config/JsonSourceMap.hpp"

namespace rtk::host {

class JsonSourceMapTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(JsonSourceMapTest);
  CPPUNIT_TEST(positionsAreOneBased);
  CPPUNIT_TEST(indexesKeysAndValuesByPath);
  CPPUNIT_TEST(recordsDuplicates);
  CPPUNIT_TEST_SUITE_END();

 public:
  void positionsAreOneBased() {
    JsonSourceMap m("ab\ncd\n\nx");
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), m.position(0).line);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), m.position(0).column);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), m.position(4).line);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), m.position(4).column);
    CPPUNIT_ASSERT_EQUAL(std::string("f:4:1"), m.where("f", 7));
    CPPUNIT_ASSERT_EQUAL(std::string("f:4:2"), m.where("f", 99));  // clamped to the end
  }

  void indexesKeysAndValuesByPath() {
    std::string text = "{\n \"A\": [1, {\"B\": \"x\\\"y\"}],\n \"C\": {\"D\": null}\n}";
    JsonSourceMap m(text);
    m.index();
    CPPUNIT_ASSERT_EQUAL(text.find("\"A\""), *m.keyOffset("A"));
    CPPUNIT_ASSERT_EQUAL(text.find('['), *m.valueOffset("A"));
    CPPUNIT_ASSERT_EQUAL(text.find('1'), *m.valueOffset("A[0]"));
    CPPUNIT_ASSERT_EQUAL(text.find("\"B\""), *m.keyOffset("A[1].B"));
    CPPUNIT_ASSERT_EQUAL(text.find("\"x"), *m.valueOffset("A[1].B"));
    CPPUNIT_ASSERT_EQUAL(text.find("null"), *m.valueOffset("C.D"));
    CPPUNIT_ASSERT(!m.keyOffset("E"));
    CPPUNIT_ASSERT(m.duplicates().empty());
  }

  void recordsDuplicates() {
    std::string text = R"({"a": 1, "b": {"a": 2}, "a": 3})";
    JsonSourceMap m(text);
    m.index();
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), m.duplicates().size());
    CPPUNIT_ASSERT_EQUAL(std::string("a"), m.duplicates()[0].first);
    CPPUNIT_ASSERT_EQUAL(text.rfind("\"a\""), m.duplicates()[0].second);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), *m.keyOffset("a"));
    CPPUNIT_ASSERT_EQUAL(text.find('1'), *m.valueOffset("a"));  // the first value keeps its place
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(JsonSourceMapTest);

}  // namespace rtk::host
