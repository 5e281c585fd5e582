// The results' JSON forms survive a round trip; the readers name a wrong
// field; the text and DOT forms show what the result holds.
#include <cppunit/extensions/HelperMacros.h>

#include "FakeUpstream.hpp"
#include "probe/ProbeJson.hpp"
#include "probe/Prober.hpp"

using namespace rtk;
using namespace rtk::probe;
using rtk::probe::fake::keyN;

namespace {

CrawlResult sampleCrawl() {
  fake::FakeUpstream up;
  up.link(0, 1, 3);
  up.link(1, 2);
  up.unreachable.insert(keyN(2));
  up.graph[keyN(2)] = {};
  Prober prober(up, {}, Log());
  return prober.tree(CrawlOptions{5, 8, 0});
}

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

class ProbeJsonTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ProbeJsonTest);
  CPPUNIT_TEST(crawlRoundTrip);
  CPPUNIT_TEST(traceRoundTrip);
  CPPUNIT_TEST(readersNameTheWrongField);
  CPPUNIT_TEST(textAndDot);
  CPPUNIT_TEST_SUITE_END();

 public:
  void crawlRoundTrip() {
    const auto r = sampleCrawl();
    const auto json = toJson(r);
    const auto back = crawlFromJson(json::Value::parse(json.dump()));
    CPPUNIT_ASSERT_EQUAL(json.dump(), toJson(back).dump());
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), back.nodes.size());
    CPPUNIT_ASSERT(back.nodes[1].unreachable && back.nodes[1].parent == keyN(1));
    CPPUNIT_ASSERT_EQUAL(keyN(0).hex(), json.get("root").asString());
    CPPUNIT_ASSERT_DOUBLES_EQUAL(2.0, json.get("nodes").at(0).get("rtt_ms").asDouble(), 1e-9);  // keyN(1): 2 ms
  }

  void traceRoundTrip() {
    TraceResult t;
    t.self = keyN(0);
    t.target = keyN(2);
    t.lookupSent = true;
    t.rtt = std::chrono::microseconds(2500);
    t.path = {TracePathNode{keyN(9)}, TracePathNode{keyN(2), std::chrono::microseconds(2500)}};
    TraceHop h;
    h.index = 0;
    h.port = 4;
    h.from = keyN(9);
    h.to = keyN(2);
    t.hops = {h};
    const auto json = toJson(t);
    CPPUNIT_ASSERT_EQUAL(json.dump(), toJson(traceFromJson(json::Value::parse(json.dump()))).dump());
    CPPUNIT_ASSERT(json.get("hops").at(0).get("local_peer").isNull());
    CPPUNIT_ASSERT_DOUBLES_EQUAL(2.5, json.get("rtt_ms").asDouble(), 1e-9);
  }

  void readersNameTheWrongField() {
    auto json = toJson(sampleCrawl());
    json.at(json.keys().size() - 1).at(0).set("parent", "nope");
    CPPUNIT_ASSERT_EQUAL(std::string("probe result: nodes[0].parent: not a key (64 hex digits)"),
                         errorOf([&] { crawlFromJson(json); }));
    CPPUNIT_ASSERT(errorOf([] { crawlFromJson(json::Value::parse("[]")); }).find("not an object") != std::string::npos);
    CPPUNIT_ASSERT(errorOf([] { traceFromJson(json::Value::parse("{\"self\":1}")); }).find("self") != std::string::npos);
  }

  void textAndDot() {
    const auto r = sampleCrawl();
    const std::string text = formatText(r);
    CPPUNIT_ASSERT(text.find("2 node(s) besides us") != std::string::npos);
    CPPUNIT_ASSERT(text.find("    " + keyN(2).hex() + "  unreachable") != std::string::npos);  // indented under 1
    const std::string dot = toDot(r);
    CPPUNIT_ASSERT(dot.rfind("digraph probe {", 0) == 0);
    CPPUNIT_ASSERT(dot.find("\"" + keyN(1).hex() + "\" -> \"" + keyN(2).hex() + "\";") != std::string::npos);
    CPPUNIT_ASSERT(dot.find("style=dashed, color=red") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProbeJsonTest);
