#include <cppunit/extensions/HelperMacros.h>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/json.hpp"
#include "runtime/SigilAssembler.hpp"

namespace rtk::host {
namespace {

// A sigil table over plain data, as a plugin would export it.
struct TestSigil {
  std::string name;
  std::vector<std::string> keys;
  std::string fragment;  // what params() writes
  rtk_status status = RTK_OK;
  std::vector<const char*> keyPtrs;
  rtk_sigil_service table{};

  TestSigil(std::string n, std::vector<std::string> k, std::string f) : name(std::move(n)), keys(std::move(k)), fragment(std::move(f)) {
    for (auto& s : keys) keyPtrs.push_back(s.c_str());
    keyPtrs.push_back(nullptr);
    table.struct_size = sizeof(rtk_sigil_service);
    table.ctx = this;
    table.name = name.c_str();
    table.keys = keyPtrs.data();
    table.params = [](void* ctx, rtk_sink* json, rtk_sink* error) -> rtk_status {
      auto* self = static_cast<TestSigil*>(ctx);
      if (self->status != RTK_OK) {
        sdk::writeSink(error, "no data");
        return self->status;
      }
      sdk::writeSink(json, self->fragment);
      return RTK_OK;
    };
    table.match = [](void*, rtk_str) -> std::int32_t { return 0; };
    table.parse = [](void*, rtk_str, rtk_sink*, rtk_sink*) -> rtk_status { return RTK_ERR_NOT_SUPPORTED; };
  }
  SigilSource source(const std::string& plugin) const { return SigilSource{plugin, &table}; }
};

}  // namespace

class SigilAssemblerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SigilAssemblerTest);
  CPPUNIT_TEST(mergesFragmentsAndWritesMetadata);
  CPPUNIT_TEST(noSigilsKeepsBaseAsIs);
  CPPUNIT_TEST(refusesWholeSigilOnConflict);
  CPPUNIT_TEST(refusesBadFragments);
  CPPUNIT_TEST(dropsLastSigilsOverBudget);
  CPPUNIT_TEST(badBaseIsAConfigError);
  CPPUNIT_TEST_SUITE_END();

 public:
  void mergesFragmentsAndWritesMetadata() {
    TestSigil info("info", {"name", "type"}, R"({"name":"edge.example","type":"router"})");
    TestSigil svc("services", {"services"}, R"({"services":{"http":80}})");
    auto a = SigilAssembler::assemble(R"({"location":"Warsaw","ratatoskr":"stale"})", {svc.source("p-svc"), info.source("p-info")}, "0.1.0", 16384);
    CPPUNIT_ASSERT(a.refused.empty());
    CPPUNIT_ASSERT((a.published == std::vector<std::string>{"services", "info"}));
    auto v = json::Value::parse(a.nodeInfo);
    CPPUNIT_ASSERT_EQUAL(std::string("Warsaw"), v.get("location").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("edge.example"), v.get("name").asString());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(80), v.get("services").get("http").asUint64());
    CPPUNIT_ASSERT_EQUAL(std::string("[info,services] v0.1.0"), v.get("ratatoskr").asString());
  }

  void noSigilsKeepsBaseAsIs() {
    auto a = SigilAssembler::assemble(R"({"ratatoskr":"mine","x":1})", {}, "0.1.0", 16384);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"ratatoskr":"mine","x":1})"), a.nodeInfo);
    CPPUNIT_ASSERT(a.published.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("{}"), SigilAssembler::assemble("", {}, "1", 100).nodeInfo);
  }

  void refusesWholeSigilOnConflict() {
    TestSigil first("first", {"a"}, R"({"a":1})");
    TestSigil clash("clash", {"b", "a"}, R"({"b":2,"a":3})");
    TestSigil base("basic", {"location"}, R"({"location":"x"})");
    auto r = SigilAssembler::assemble(R"({"location":"Warsaw"})", {first.source("p1"), clash.source("p2"), base.source("p3")}, "0.1.0", 16384);
    CPPUNIT_ASSERT((r.published == std::vector<std::string>{"first"}));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.refused.size());
    CPPUNIT_ASSERT_EQUAL(std::string("p2"), r.refused[0].first);
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"clash\" (plugin \"p2\"): key \"a\" is already set by sigil \"first\""), r.refused[0].second);
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"basic\" (plugin \"p3\"): key \"location\" is already set by the conf's NodeInfo"),
                         r.refused[1].second);
    auto v = json::Value::parse(r.nodeInfo);
    CPPUNIT_ASSERT_MESSAGE("no partial fragment", !v.contains("b"));
    CPPUNIT_ASSERT_EQUAL(std::string("[first] v0.1.0"), v.get("ratatoskr").asString());
  }

  void refusesBadFragments() {
    TestSigil badName("No Good", {"k"}, R"({"k":1})");
    TestSigil notOwned("owner", {"k1"}, R"({"k2":1})");
    TestSigil notObject("arr", {"k3"}, R"([1])");
    TestSigil failing("fails", {"k4"}, "{}");
    failing.status = RTK_ERR_IO;
    TestSigil reserved("meta", {"ratatoskr"}, "{}");
    TestSigil dup1("same", {"d1"}, R"({"d1":1})");
    TestSigil dup2("same", {"d2"}, R"({"d2":1})");
    TestSigil empty("nothing", {"e"}, "{}");
    auto r = SigilAssembler::assemble("{}", {badName.source("a"), notOwned.source("b"), notObject.source("c"), failing.source("d"),
                                             reserved.source("e"), dup1.source("f"), dup2.source("g"), empty.source("h")},
                                      "0.1.0", 16384);
    CPPUNIT_ASSERT((r.published == std::vector<std::string>{"same", "nothing"}));
    std::map<std::string, std::string> why(r.refused.begin(), r.refused.end());
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"No Good\" from \"a\": name must match ^[a-z0-9._-]{3,32}$"), why.at("a"));
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"owner\" (plugin \"b\"): its fragment has key \"k2\", which it does not own"), why.at("b"));
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"arr\" (plugin \"c\"): params() returned array, not an object"), why.at("c"));
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"fails\" (plugin \"d\"): params() failed: no data"), why.at("d"));
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"meta\" (plugin \"e\"): claims the reserved key \"ratatoskr\""), why.at("e"));
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"same\" (plugin \"g\"): another sigil already has this name"), why.at("g"));
  }

  void dropsLastSigilsOverBudget() {
    TestSigil small("small", {"s"}, R"({"s":"x"})");
    TestSigil big("big", {"b"}, "{\"b\":\"" + std::string(200, 'y') + "\"}");
    auto r = SigilAssembler::assemble("{}", {small.source("ps"), big.source("pb")}, "0.1.0", 100);
    CPPUNIT_ASSERT((r.published == std::vector<std::string>{"small"}));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.refused.size());
    CPPUNIT_ASSERT(r.refused[0].second.find("over the budget of 100") != std::string::npos);
    CPPUNIT_ASSERT(r.nodeInfo.size() <= 100);
    CPPUNIT_ASSERT_EQUAL(std::string("[small] v0.1.0"), json::Value::parse(r.nodeInfo).get("ratatoskr").asString());
  }

  void badBaseIsAConfigError() {
    const std::vector<std::string> bases{"[1]", "{", "{\"a\":\"" + std::string(50, 'z') + "\"}"};
    for (const auto& base : bases) {
      try {
        SigilAssembler::assemble(base, {}, "0.1.0", 40);
        CPPUNIT_FAIL("accepted " + base);
      } catch (const Error& e) {
        CPPUNIT_ASSERT(e.code() == Errc::Config);
      }
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SigilAssemblerTest);

}  // namespace rtk::host
