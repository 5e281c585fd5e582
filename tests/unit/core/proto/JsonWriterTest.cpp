#include <cppunit/extensions/HelperMacros.h>

#include <cstring>

#include "GoVectors.hpp"
#include "core/proto/JsonWriter.hpp"

using rtk::core::proto::JsonWriter;
using rtk::test::unhex;

class JsonWriterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(JsonWriterTest);
  CPPUNIT_TEST(quotesLikeGo);
  CPPUNIT_TEST(formatsFloatsLikeGo);
  CPPUNIT_TEST(compactsAndIndentsLikeGo);
  CPPUNIT_TEST(insertsSeparators);
  CPPUNIT_TEST(rawRejectsInvalidJson);
  CPPUNIT_TEST_SUITE_END();

 public:
  void quotesLikeGo() {
    int n = 0;
    for (const auto& row : rtk::test::goJsonVectors()) {
      if (row[0] != "quote") continue;
      std::string in = unhex(row[1]), want = unhex(row[2]);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(row[1], want, JsonWriter::quote(in));
      ++n;
    }
    CPPUNIT_ASSERT(n >= 10);
  }

  void formatsFloatsLikeGo() {
    int n = 0;
    for (const auto& row : rtk::test::goJsonVectors()) {
      if (row[0] != "float") continue;
      std::uint64_t bits = std::stoull(row[1], nullptr, 16);
      double v;
      std::memcpy(&v, &bits, sizeof v);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(row[1], row[2], JsonWriter::formatFloat(v));
      ++n;
    }
    CPPUNIT_ASSERT(n >= 15);
  }

  void compactsAndIndentsLikeGo() {
    int n = 0;
    for (const auto& row : rtk::test::goJsonVectors()) {
      if (row[0] != "doc") continue;
      auto compact = JsonWriter::compact(unhex(row[1]));
      CPPUNIT_ASSERT(compact);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(row[1], unhex(row[2]), *compact);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(row[1], unhex(row[3]), JsonWriter::indent(*compact));
      ++n;
    }
    CPPUNIT_ASSERT(n >= 8);
  }

  void insertsSeparators() {
    JsonWriter w;
    w.beginObject();
    w.key("a").uint(1);
    w.key("b").beginArray().string("x").integer(-2).boolean(true).null().beginObject().endObject().endArray();
    w.key("c").number(0.5);
    w.endObject();
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"a":1,"b":["x",-2,true,null,{}],"c":0.5})"), w.text());
  }

  void rawRejectsInvalidJson() {
    JsonWriter w;
    w.beginArray();
    CPPUNIT_ASSERT(w.raw(" { \"a\" : 1 } "));
    CPPUNIT_ASSERT(!w.raw("{"));
    CPPUNIT_ASSERT(w.raw("2"));
    w.endArray();
    CPPUNIT_ASSERT_EQUAL(std::string(R"([{"a":1},2])"), w.text());
    CPPUNIT_ASSERT(!JsonWriter::compact(""));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(JsonWriterTest);
