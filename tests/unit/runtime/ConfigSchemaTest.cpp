#include <cppunit/extensions/HelperMacros.h>

#include "ratatoskr/error.hpp"
#include "runtime/ConfigSchema.hpp"

namespace rtk::host {
namespace {

const char* kSchema = R"({
  "type": "object",
  "properties": {
    "IntervalSeconds": {"type": "integer", "minimum": 1, "maximum": 3600, "default": 60},
    "Mode": {"type": "string", "enum": ["fast", "slow"], "default": "slow"},
    "Name": {"type": "string", "minLength": 3, "maxLength": 8},
    "Targets": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
    "Ratio": {"type": ["number", "null"]},
    "Nested": {"type": "object", "properties": {"On": {"type": "boolean", "default": true}},
               "additionalProperties": false, "default": {}}
  },
  "required": ["Name"],
  "additionalProperties": false
})";

std::string errorOf(const ConfigSchema& schema, const char* config) {
  try {
    schema.apply(json::Value::parse(config), "Modules.demo");
  } catch (const Error& e) {
    CPPUNIT_ASSERT(e.code() == Errc::Config);
    return e.what();
  }
  CPPUNIT_FAIL(std::string("accepted: ") + config);
  return "";
}

}  // namespace

class ConfigSchemaTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ConfigSchemaTest);
  CPPUNIT_TEST(fillsDefaults);
  CPPUNIT_TEST(reportsEachViolationWithItsPath);
  CPPUNIT_TEST(noSchemaTakesOnlyNothing);
  CPPUNIT_TEST(invalidSchemaIsRejected);
  CPPUNIT_TEST_SUITE_END();

 public:
  void fillsDefaults() {
    ConfigSchema schema(kSchema);
    auto out = schema.apply(json::Value::parse(R"({"Name":"demo"})"), "Modules.demo");
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(60), out.get("IntervalSeconds").asUint64());
    CPPUNIT_ASSERT_EQUAL(std::string("slow"), out.get("Mode").asString());
    CPPUNIT_ASSERT(out.get("Nested").get("On").asBool());
    CPPUNIT_ASSERT(!out.contains("Targets"));
    auto given = schema.apply(json::Value::parse(R"({"Name":"demo","IntervalSeconds":5,"Ratio":null})"), "m");
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), given.get("IntervalSeconds").asUint64());
    CPPUNIT_ASSERT(given.get("Ratio").isNull() && given.contains("Ratio"));
  }

  void reportsEachViolationWithItsPath() {
    ConfigSchema s(kSchema);
    CPPUNIT_ASSERT_EQUAL(std::string("Modules.demo.IntervalSeconds: expected integer, got string \"5s\""),
                         errorOf(s, R"({"Name":"demo","IntervalSeconds":"5s"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("Modules.demo.IntervalSeconds: 0 is below the minimum 1"),
                         errorOf(s, R"({"Name":"demo","IntervalSeconds":0})"));
    CPPUNIT_ASSERT_EQUAL(std::string("Modules.demo.IntervalSeconds: 7200 is above the maximum 3600"),
                         errorOf(s, R"({"Name":"demo","IntervalSeconds":7200})"));
    CPPUNIT_ASSERT_EQUAL(std::string("Modules.demo: missing required key \"Name\""), errorOf(s, "{}"));
    CPPUNIT_ASSERT_EQUAL(std::string("Modules.demo: unknown key \"Intervl\" (allowed: IntervalSeconds, Mode, Name, Targets, Ratio, Nested)"),
                         errorOf(s, R"({"Name":"demo","Intervl":1})"));
    CPPUNIT_ASSERT_EQUAL(std::string("Modules.demo.Mode: \"medium\" is not one of \"fast\", \"slow\""),
                         errorOf(s, R"({"Name":"demo","Mode":"medium"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("Modules.demo.Name: string is 2 bytes, shorter than 3"), errorOf(s, R"({"Name":"ab"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("Modules.demo.Targets[1]: expected string, got integer 5"),
                         errorOf(s, R"({"Name":"demo","Targets":["a",5]})"));
    CPPUNIT_ASSERT_EQUAL(std::string("Modules.demo.Targets: array has 3 items, more than 2"),
                         errorOf(s, R"({"Name":"demo","Targets":["a","b","c"]})"));
    CPPUNIT_ASSERT_EQUAL(std::string("Modules.demo.Ratio: expected number or null, got boolean true"),
                         errorOf(s, R"({"Name":"demo","Ratio":true})"));
    CPPUNIT_ASSERT_EQUAL(std::string("Modules.demo.Nested: unknown key \"Off\" (allowed: On)"),
                         errorOf(s, R"({"Name":"demo","Nested":{"Off":1}})"));
    CPPUNIT_ASSERT_EQUAL(std::string("Modules.demo: expected object, got array"), errorOf(s, "[]"));
  }

  void noSchemaTakesOnlyNothing() {
    ConfigSchema none("");
    CPPUNIT_ASSERT(none.apply(json::Value(), "m").isObject());
    CPPUNIT_ASSERT(none.apply(json::Value::object(), "m").empty());
    CPPUNIT_ASSERT_EQUAL(std::string("Modules.demo: this plugin takes no settings (it declares no config schema)"),
                         errorOf(none, R"({"a":1})"));
  }

  void invalidSchemaIsRejected() {
    try {
      ConfigSchema bad("{\"type\": ");
      CPPUNIT_FAIL("invalid schema accepted");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::Config);
      CPPUNIT_ASSERT(std::string(e.what()).rfind("config schema: json: at byte", 0) == 0);
    }
    try {
      ConfigSchema bad("[1]");
      CPPUNIT_FAIL("array schema accepted");
    } catch (const Error& e) {
      CPPUNIT_ASSERT_EQUAL(std::string("config schema: expected an object, got array"), std::string(e.what()));
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigSchemaTest);

}  // namespace rtk::host
