#include <cppunit/extensions/HelperMacros.h>

#include <deque>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/json.hpp"
#include "ratatoskr/sigils/builtin.hpp"
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
  TestSigil(const TestSigil&) = delete;
  SigilSource source(const std::string& plugin) const { return SigilSource{plugin, &table}; }
  TestSigil& parseOnly() {
    table.params = nullptr;
    return *this;
  }
};

// The real info sigil's keys and a fragment its rules accept.
TestSigil& infoLike(std::deque<TestSigil>& store, const std::string& settings) {
  const auto& info = *sigils::findBuiltin("info");
  return store.emplace_back("info", info.keys(), info.fragmentFromSettings(json::Value::parse(settings)).dump());
}

SigilAssembler::Options options(std::string base = "{}", std::size_t budget = 16384) {
  SigilAssembler::Options o;
  o.baseNodeInfo = std::move(base);
  o.baseOrigin = "test.conf";
  o.hostVersion = "0.1.0";
  o.budgetBytes = budget;
  return o;
}

// A node that adds 100 bytes of build keys (unless privacy), like the real one.
std::string withFakeBuildKeys(const std::string& text) {
  auto v = json::Value::parse(text);
  v.set("buildname", std::string(85, 'b'));  // ,"buildname":"…" = 1 + 11 + 1 + 85 + 2 = 100 bytes
  return v.dump();
}

std::map<std::string, std::string> reasons(const SigilAssembly& a) { return {a.refused.begin(), a.refused.end()}; }

}  // namespace

class SigilAssemblerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SigilAssemblerTest);
  CPPUNIT_TEST(mergesFragmentsAndWritesMetadata);
  CPPUNIT_TEST(noSigilsKeepsBaseAsIs);
  CPPUNIT_TEST(confKeyAndSigilNameBothOwners);
  CPPUNIT_TEST(twoSigilsOwningAKeyNameBoth);
  CPPUNIT_TEST(ownershipIsByDeclaredKey);
  CPPUNIT_TEST(refusesBadFragments);
  CPPUNIT_TEST(atMost64Published);
  CPPUNIT_TEST(budgetCountsTheBuildKeys);
  CPPUNIT_TEST(budgetEdgeIsInclusive);
  CPPUNIT_TEST(metadataWhenEverySigilFailed);
  CPPUNIT_TEST(builtinNamesAreReserved);
  CPPUNIT_TEST(parseOnlySigilsAreParsersOnly);
  CPPUNIT_TEST(badBaseIsAConfigError);
  CPPUNIT_TEST_SUITE_END();

 public:
  void mergesFragmentsAndWritesMetadata() {
    TestSigil info("custom", {"label", "kind"}, R"({"label":"edge.example","kind":"router"})");
    TestSigil svc("svc", {"svc"}, R"({"svc":{"http":80}})");
    auto a = SigilAssembler::assemble({svc.source("p-svc"), info.source("p-info")}, options(R"({"location":"Warsaw"})"));
    CPPUNIT_ASSERT(a.refused.empty());
    CPPUNIT_ASSERT((a.published == std::vector<std::string>{"svc", "custom"}));
    auto v = json::Value::parse(a.nodeInfo);
    CPPUNIT_ASSERT_EQUAL(std::string("Warsaw"), v.get("location").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("edge.example"), v.get("label").asString());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(80), v.get("svc").get("http").asUint64());
    CPPUNIT_ASSERT_EQUAL(std::string("[custom,svc] v0.1.0"), v.get("ratatoskr").asString());
    CPPUNIT_ASSERT_EQUAL(a.nodeInfo.size(), a.publishedBytes);
    CPPUNIT_ASSERT_EQUAL(std::string("the conf's NodeInfo"), a.owners.at("location"));
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"custom\""), a.owners.at("label"));
    CPPUNIT_ASSERT_EQUAL(std::string("the sigil metadata"), a.owners.at("ratatoskr"));
  }

  void noSigilsKeepsBaseAsIs() {
    auto a = SigilAssembler::assemble({}, options(R"({"ratatoskr":"mine","x":1})"));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"ratatoskr":"mine","x":1})"), a.nodeInfo);
    CPPUNIT_ASSERT(a.published.empty() && a.warnings.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("{}"), SigilAssembler::assemble({}, options("")).nodeInfo);
    CPPUNIT_ASSERT_EQUAL(std::string("{}"), SigilAssembler::assemble({}, options("null")).nodeInfo);
  }

  void confKeyAndSigilNameBothOwners() {
    // The classic: the conf's NodeInfo has "name" and the info sigil is enabled.
    std::deque<TestSigil> store;
    TestSigil& info = infoLike(store, R"({"Name":"edge.example.net","Type":"router"})");
    TestSigil other("other", {"other"}, R"({"other":1})");
    auto a = SigilAssembler::assemble({info.source("info"), other.source("p-other")}, options(R"({"name":"hand-written"})"));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.refused.size());
    CPPUNIT_ASSERT_EQUAL(std::string("info"), a.refused[0].first);
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"info\" (plugin \"info\"): key \"name\" is owned both by NodeInfo.name in test.conf and by "
                                     "this sigil — keep only one"),
                         a.refused[0].second);
    auto v = json::Value::parse(a.nodeInfo);
    CPPUNIT_ASSERT_EQUAL(std::string("hand-written"), v.get("name").asString());
    CPPUNIT_ASSERT_MESSAGE("nothing of the refused sigil", !v.contains("type"));
    CPPUNIT_ASSERT_EQUAL(std::string("[other] v0.1.0"), v.get("ratatoskr").asString());
  }

  void twoSigilsOwningAKeyNameBoth() {
    TestSigil first("first", {"a"}, R"({"a":1})");
    TestSigil clash("clash", {"b", "a"}, R"({"b":2,"a":3})");
    auto r = SigilAssembler::assemble({first.source("p1"), clash.source("p2")}, options());
    CPPUNIT_ASSERT((r.published == std::vector<std::string>{"first"}));
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"clash\" (plugin \"p2\"): key \"a\" is owned both by sigil \"first\" (plugin \"p1\") and by "
                                     "this sigil — keep only one"),
                         reasons(r).at("p2"));
    auto v = json::Value::parse(r.nodeInfo);
    CPPUNIT_ASSERT_MESSAGE("no partial fragment", !v.contains("b"));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1), v.get("a").asInt64());
  }

  void ownershipIsByDeclaredKey() {
    // info leaves "location" out of its fragment but still owns it: a conf
    // "location" would be read by every info parser as part of the card.
    std::deque<TestSigil> store;
    TestSigil& info = infoLike(store, R"({"Name":"edge.example.net","Type":"router"})");
    auto r = SigilAssembler::assemble({info.source("info")}, options(R"({"location":"\tnot printable"})"));
    CPPUNIT_ASSERT(reasons(r).at("info").find("key \"location\" is owned both by NodeInfo.location in test.conf") != std::string::npos);
    // Declared but unset keys are still the sigil's (no plugin may publish them later).
    auto ok = SigilAssembler::assemble({info.source("info")}, options());
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"info\""), ok.owners.at("description"));
    CPPUNIT_ASSERT(!json::Value::parse(ok.nodeInfo).contains("description"));
  }

  void refusesBadFragments() {
    TestSigil badName("No Good", {"k"}, R"({"k":1})");
    TestSigil notOwned("owner", {"k1"}, R"({"k2":1})");
    TestSigil notObject("arr", {"k3"}, R"([1])");
    TestSigil failing("fails", {"k4"}, "{}");
    failing.status = RTK_ERR_IO;
    TestSigil reserved("meta", {"ratatoskr"}, "{}");
    TestSigil buildKey("build", {"buildversion"}, "{}");
    TestSigil dup1("same", {"d1"}, R"({"d1":1})");
    TestSigil dup2("same", {"d2"}, R"({"d2":1})");
    TestSigil empty("nothing", {"e"}, "{}");
    TestSigil noKeys("keyless", {}, "{}");
    TestSigil broken("broken", {"x"}, "{}");
    broken.table.match = nullptr;
    auto r = SigilAssembler::assemble({badName.source("a"), notOwned.source("b"), notObject.source("c"), failing.source("d"),
                                       reserved.source("e"), dup1.source("f"), dup2.source("g"), empty.source("h"),
                                       buildKey.source("i"), noKeys.source("j"), broken.source("k"), SigilSource{"l", nullptr}},
                                      options());
    CPPUNIT_ASSERT((r.published == std::vector<std::string>{"same", "nothing"}));
    auto why = reasons(r);
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"No Good\" from plugin \"a\": name must match ^[a-z0-9._-]{3,32}$"), why.at("a"));
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"owner\" (plugin \"b\"): its fragment has key \"k2\", which it does not own"), why.at("b"));
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"arr\" (plugin \"c\"): params() returned array, not an object"), why.at("c"));
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"fails\" (plugin \"d\"): params() failed: no data"), why.at("d"));
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"meta\" (plugin \"e\"): claims the reserved key \"ratatoskr\" (the node's own)"), why.at("e"));
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"same\" (plugin \"g\"): another sigil already has this name"), why.at("g"));
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"build\" (plugin \"i\"): claims the reserved key \"buildversion\" (the node's own)"), why.at("i"));
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"keyless\" (plugin \"j\"): owns no NodeInfo keys"), why.at("j"));
    CPPUNIT_ASSERT_EQUAL(std::string("sigil from plugin \"k\": incomplete rtk_sigil_service table"), why.at("k"));
    CPPUNIT_ASSERT_EQUAL(std::string("sigil from plugin \"l\": incomplete rtk_sigil_service table"), why.at("l"));
    CPPUNIT_ASSERT_EQUAL(std::string("[nothing,same] v0.1.0"), json::Value::parse(r.nodeInfo).get("ratatoskr").asString());
  }

  void atMost64Published() {
    std::deque<TestSigil> store;
    std::vector<SigilSource> sources;
    for (int i = 1; i <= 66; ++i) {
      std::string n = "s" + std::to_string(100 + i);
      sources.push_back(store.emplace_back(n, std::vector<std::string>{n}, "{\"" + n + "\":" + std::to_string(i) + "}").source("p" + n));
    }
    // Parse-only sigils are not published and do not count.
    TestSigil reader("reader", {"reader"}, "{}");
    reader.parseOnly();
    sources.insert(sources.begin(), reader.source("p-reader"));
    auto r = SigilAssembler::assemble(sources, options());
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), r.published.size());
    CPPUNIT_ASSERT_EQUAL(std::string("s164"), r.published.back());
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.refused.size());
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"s165\" (plugin \"ps165\"): too many sigils: this would be number 65, at most 64 are published "
                                     "(Go nodes refuse metadata listing more)"),
                         reasons(r).at("ps165"));
    CPPUNIT_ASSERT(reasons(r).at("ps166").find("too many sigils") != std::string::npos);
    auto v = json::Value::parse(r.nodeInfo);
    CPPUNIT_ASSERT(!v.contains("s165"));
    auto meta = sigils::parseMetadata(v.get("ratatoskr").asString(), nullptr);
    CPPUNIT_ASSERT_MESSAGE("what Go nodes can read", meta.has_value());
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), meta->names.size());
  }

  void budgetCountsTheBuildKeys() {
    // 1000 bytes of budget; the node adds 100. "big" fits without the build
    // keys, not with them; "small" after it still goes in: no silent drop,
    // no dropping of what came before.
    TestSigil small1("small1", {"s1"}, R"({"s1":"x"})");
    TestSigil big("big", {"b"}, "{\"b\":\"" + std::string(850, 'y') + "\"}");
    TestSigil small2("small2", {"s2"}, R"({"s2":"x"})");
    auto o = options("{}", 1000);
    o.published = withFakeBuildKeys;
    auto r = SigilAssembler::assemble({small1.source("p1"), big.source("pb"), small2.source("p2")}, o);
    CPPUNIT_ASSERT_MESSAGE(r.nodeInfo, (r.published == std::vector<std::string>{"small1", "small2"}));
    const std::string why = reasons(r).at("pb");
    CPPUNIT_ASSERT_MESSAGE(why, why.rfind("sigil \"big\" (plugin \"pb\"): NodeInfo would be ", 0) == 0);
    CPPUNIT_ASSERT_MESSAGE(why, why.find(" bytes with it (100 of them the build keys the node adds unless NodeInfoPrivacy), over the budget of "
                                         "1000 bytes; it is published without this sigil") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(withFakeBuildKeys(r.nodeInfo).size(), r.publishedBytes);
    CPPUNIT_ASSERT(r.publishedBytes <= 1000);
    CPPUNIT_ASSERT_EQUAL(std::string("[small1,small2] v0.1.0"), json::Value::parse(r.nodeInfo).get("ratatoskr").asString());

    // Without build keys (NodeInfoPrivacy) all three fit.
    auto privacy = SigilAssembler::assemble({small1.source("p1"), big.source("pb"), small2.source("p2")}, options("{}", 1000));
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), privacy.published.size());
  }

  void budgetEdgeIsInclusive() {
    // {"pad":"…","ratatoskr":"[pad] v0.1.0"} is exactly 40 + n bytes.
    auto sized = [](std::size_t total) {
      return "{\"pad\":\"" + std::string(total - std::string(R"({"pad":"","ratatoskr":"[pad] v0.1.0"})").size(), 'p') + "\"}";
    };
    TestSigil fits("pad", {"pad"}, sized(500));
    auto r = SigilAssembler::assemble({fits.source("p")}, options("{}", 500));
    CPPUNIT_ASSERT_EQUAL(std::size_t(500), r.publishedBytes);
    CPPUNIT_ASSERT(r.refused.empty());
    TestSigil over("pad", {"pad"}, sized(501));
    r = SigilAssembler::assemble({over.source("p")}, options("{}", 500));
    CPPUNIT_ASSERT(reasons(r).at("p").find("NodeInfo would be 501 bytes with it, over the budget of 500 bytes") != std::string::npos);
  }

  void metadataWhenEverySigilFailed() {
    // As Go: a sigil was enabled, none made it — "[] v…" says so; it
    // replaces the conf's own "ratatoskr" key, with a warning.
    TestSigil clash("clash", {"x"}, R"({"x":2})");
    auto r = SigilAssembler::assemble({clash.source("p")}, options(R"({"x":1,"ratatoskr":"hand-made"})"));
    CPPUNIT_ASSERT(r.published.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("[] v0.1.0"), json::Value::parse(r.nodeInfo).get("ratatoskr").asString());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.warnings.size());
    CPPUNIT_ASSERT_EQUAL(std::string("NodeInfo.ratatoskr in test.conf is replaced by the sigil metadata \"[] v0.1.0\""), r.warnings[0]);
    // A conf at the edge of the budget: no room for "[] v…", which is left out (warned), not a failure.
    const std::string edge = "{\"f\":\"" + std::string(100 - 8, 'f') + "\"}";
    auto tight = SigilAssembler::assemble({clash.source("p")}, options(edge, 100));
    CPPUNIT_ASSERT_EQUAL(edge, tight.nodeInfo);
    CPPUNIT_ASSERT(tight.warnings.at(0).find("no room for the \"ratatoskr\" metadata") != std::string::npos);
  }

  void builtinNamesAreReserved() {
    TestSigil wrongKeys("info", {"info"}, R"({"info":"mine"})");
    TestSigil parserOnly("services", {"services"}, "{}");
    parserOnly.parseOnly();
    std::deque<TestSigil> store;
    TestSigil& badCard = store.emplace_back("info", sigils::findBuiltin("info")->keys(), R"({"name":"My Node","type":"router"})");
    auto r = SigilAssembler::assemble({wrongKeys.source("a"), parserOnly.source("b"), badCard.source("c")}, options());
    auto why = reasons(r);
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"info\" (plugin \"a\"): the name \"info\" is reserved for the built-in sigil, which owns name, "
                                     "type, location, contact, description; this one owns info"),
                         why.at("a"));
    CPPUNIT_ASSERT(why.at("b").find("the name \"services\" is the built-in sigil's") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"info\" (plugin \"c\"): the name \"info\" is reserved for the built-in sigil, whose rules refuse "
                                     "this fragment: name: \"My Node\" does not match ^[a-z0-9._-]{4,64}$"),
                         why.at("c"));
    // A sigil keeping to the built-in rules may carry the name (our own plugins do).
    TestSigil& good = infoLike(store, R"({"Name":"edge.example.net","Type":"router"})");
    auto ok = SigilAssembler::assemble({good.source("info")}, options());
    CPPUNIT_ASSERT((ok.published == std::vector<std::string>{"info"}));
  }

  void parseOnlySigilsAreParsersOnly() {
    TestSigil reader("reader", {"shared"}, "{}");
    reader.parseOnly();
    TestSigil writer("writer", {"shared"}, R"({"shared":1})");
    TestSigil sameName("reader", {"other"}, R"({"other":1})");
    auto r = SigilAssembler::assemble({reader.source("p-reader"), writer.source("p-writer"), sameName.source("p-same")}, options());
    CPPUNIT_ASSERT((r.parseOnly == std::vector<std::string>{"reader"}));
    CPPUNIT_ASSERT_MESSAGE("its keys overlap nothing: it owns none", (r.published == std::vector<std::string>{"writer"}));
    CPPUNIT_ASSERT(reasons(r).at("p-same").find("another sigil already has this name") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("[writer] v0.1.0"), json::Value::parse(r.nodeInfo).get("ratatoskr").asString());
    // Only parse-only sigils: nothing is published, no metadata is written.
    auto alone = SigilAssembler::assemble({reader.source("p-reader")}, options(R"({"x":1})"));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"x":1})"), alone.nodeInfo);
  }

  void badBaseIsAConfigError() {
    const std::vector<std::string> bases{"[1]", "{", "{\"a\":\"" + std::string(50, 'z') + "\"}"};
    for (const auto& base : bases) {
      try {
        SigilAssembler::assemble({}, options(base, 40));
        CPPUNIT_FAIL("accepted " + base);
      } catch (const Error& e) {
        CPPUNIT_ASSERT(e.code() == Errc::Config);
        CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).rfind("NodeInfo in test.conf", 0) == 0);
      }
    }
    // Counted as the node publishes it: within the budget alone, over it with the build keys.
    auto o = options("{\"a\":\"" + std::string(850, 'z') + "\"}", 900);
    o.published = withFakeBuildKeys;
    try {
      SigilAssembler::assemble({}, o);
      CPPUNIT_FAIL("accepted");
    } catch (const Error& e) {
      CPPUNIT_ASSERT_EQUAL(std::string("NodeInfo in test.conf is 958 bytes as the node publishes it (100 of them the build keys the node adds "
                                       "unless NodeInfoPrivacy), over the budget of 900 bytes"),
                           std::string(e.what()));
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SigilAssemblerTest);

}  // namespace rtk::host
