// Issue 11 b, d, e: the ninfo plugin on our host against a real yggdrasil
// 0.5.12 node and two more of our hosts, one Topology:
//
//   n0 (real, custom NodeInfo) -tcp- n1 (ours: ninfo, ninfo-fanout, motd-sigil)
//                                    -tcp- n2 (ours: info, inet, public, services, motd-sigil)
//                                    -tcp- n3 (ours: ninfo)
//
// b. `ratatoskr ask` (the host program's CLI, through n1's admin socket) of
//    n0 in all five forms returns n0's custom NodeInfo, software yggdrasil
//    0.5.12 and an RTT; n2 asked by key returns its sigils parsed — motd too
//    from n1, which has the motd parser, and motd as extra from n3, which
//    has not.
// d. 64 asks for 64 different keys at once through the service
//    (ratatoskr.ninfo/1, from the ninfo-fanout fixture): the three live
//    nodes answer, 61 keys no node has time out at MaxAskTimeMs. 65 keys
//    nobody has: 64 flights and one "busy". 1 000 asks for n0's key at
//    once are all answered; 1 000 for a key nobody has make one flight. An address no node has: "cannot resolve"
//    at MaxLookupTimeMs.
// e. `yggdrasilctl -json ask target=<address>` through n1's admin socket
//    prints the result the CLI prints.
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Parser.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "Json.hpp"
#include "Lab.hpp"
#include "Subprocess.hpp"
#include "Tools.hpp"
#include "Topology.hpp"
#include "Trace.hpp"
#include "Wait.hpp"
#include "ratatoskr/address.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"
#include "ratatoskr/ninfo.hpp"

using namespace rtk::interop;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kMaxLookupTimeMs = 3000;
// Room for a second NodeInfo call after a first one goes unanswered (6 s,
// ninfo.hpp's kCallTimeout; then 1.25 s for the retry to a direct peer): CI
// once saw the real node leave one request unanswered right after it had
// answered others, and with a single call the ask failed. The cause is not
// known yet; the flights of unreachable keys below wait this long too.
constexpr int kMaxAskTimeMs = 7500;
// n2's sigils (sigils/<name>/README.md has each one's settings).
constexpr const char* kSigilModules = R"({
  "info": {"Name": "n2.interop.example", "Type": "router", "Location": "Interop Lab"},
  "inet": {"Addrs": ["n2.interop.example"]},
  "public": {"Peers": {"internet": ["tls://203.0.113.10:443"]}},
  "services": {"Services": {"http": 80, "ssh": 22}},
  "motd-sigil": {"Text": "sigils n2"}
})";

Poco::JSON::Object::Ptr jsonObject(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Array::Ptr strings(const std::vector<std::string>& items) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (const auto& s : items) a->add(s);
  return a;
}

rtk::json::Value toValue(const Poco::JSON::Object::Ptr& o) { return rtk::json::Value::parse(toJson(o, 0)); }

// `ratatoskr ask ARGS... --admin <node's socket>`.
RunResult cliAsk(const Node& asker, std::vector<std::string> args) {
  std::vector<std::string> argv{Tools::host(), "ask"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--admin");
  argv.push_back("unix://" + asker.adminSocketPath().string());
  return Subprocess::run(argv, 60000);
}

rtk::ninfo::AskResult cliAskJson(const Node& asker, const std::string& target) {
  RunResult r = cliAsk(asker, {target, "--json"});
  CPPUNIT_ASSERT_MESSAGE(r.describe(), r.ok());
  return rtk::ninfo::askResultFromJson(rtk::json::Value::parse(r.out));
}

std::string randomKeyHex(std::mt19937_64& rng) {
  rtk::PublicKey k;
  for (auto& b : k.bytes) b = static_cast<std::uint8_t>(rng());
  return k.hex();
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return s;
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

}  // namespace

class NinfoInteropTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NinfoInteropTest);
  CPPUNIT_TEST(askRealAndOurNodes);
  CPPUNIT_TEST_SUITE_END();

 public:
  void askRealAndOurNodes() {
    Lab lab("ninfo");
    const auto pluginDirs = [](std::vector<std::string> extra) {
      extra.push_back(RTK_NINFO_MOTD_DIR);
      return strings(extra);
    };
    Poco::JSON::Object::Ptr realInfo = new Poco::JSON::Object;
    realInfo->set("name", "real-n0");
    realInfo->set("location", "Interop Lab <ninfo> & co");
    realInfo->set("custom", jsonObject(R"({"list":[1,2.5,"three"],"flag":true,"none":null})"));

    Topology topo(lab, TopologyPlan::line(4, {Transport::Tcp}),
                  {NodeKind::Real, NodeKind::Ours, NodeKind::Ours, NodeKind::Ours}, [&](int i, NodeSpec& spec) {
                    spec.logLevel = "info";
                    if (i == 0) spec.nodeInfo = realInfo;
                    if (i == 1) {
                      spec.plugins = new Poco::JSON::Object;
                      spec.plugins->set("Directories", pluginDirs({RTK_NINFO_FIXTURE_DIR}));
                      spec.plugins->set("Enabled", strings({"ninfo", "ninfo-fanout", "motd-sigil"}));
                      spec.modules = jsonObject(R"({"ninfo":{"MaxLookupTimeMs":)" + std::to_string(kMaxLookupTimeMs) +
                                                R"(,"MaxAskTimeMs":)" + std::to_string(kMaxAskTimeMs) +
                                                R"(,"AskRetryPauseMs":250},"motd-sigil":{"Text":"asker n1"}})");
                    }
                    if (i == 2) {
                      spec.nodeInfo = jsonObject(R"({"lab":"ninfo"})");  // "name" belongs to the info sigil
                      spec.plugins = new Poco::JSON::Object;
                      spec.plugins->set("Directories", pluginDirs({}));
                      spec.plugins->set("Enabled", strings({"info", "inet", "public", "services", "motd-sigil"}));
                      spec.modules = jsonObject(kSigilModules);
                    }
                    if (i == 3) {
                      spec.plugins = new Poco::JSON::Object;
                      spec.plugins->set("Enabled", strings({"ninfo"}));
                    }
                  });
    topo.startAll();
    topo.waitPeersUp(30000);
    Node& real = topo.node(0);
    Node& n1 = topo.node(1);
    Node& n2 = topo.node(2);
    Node& n3 = topo.node(3);

    // --- b. the real node in all five forms, from the command line.
    const auto realKey = *rtk::PublicKey::fromHex(real.publicKey());
    rtk::Ip6Address subnetHost = rtk::address::subnetForKey(realKey);
    subnetHost.bytes[15] = 0x42;
    const std::string realAddress = real.address();
    const std::vector<std::string> forms = {
        real.publicKey(),
        upper(real.publicKey()) + ".pk.YGG",
        "[" + realAddress + "]:9999",
        realAddress,
        rtk::formatAddress(subnetHost)};
    const rtk::json::Value expectedExtra = toValue(realInfo);
    for (const auto& form : forms) {
      const auto started = Clock::now();
      const rtk::ninfo::AskResult r = cliAskJson(n1, form);
      trace("ratatoskr ask " + form + ": rtt " + std::to_string(ms(r.rtt)) + " ms, took " + std::to_string(ms(Clock::now() - started)) + " ms");
      CPPUNIT_ASSERT_EQUAL(form, r.target);
      CPPUNIT_ASSERT_EQUAL(real.publicKey(), r.key.hex());
      CPPUNIT_ASSERT_MESSAGE(form, r.software && r.software->name == "yggdrasil" && r.software->version == "0.5.12");
      CPPUNIT_ASSERT_EQUAL(std::string(), r.version);
      CPPUNIT_ASSERT_MESSAGE(form, r.rtt.count() > 0);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(form, expectedExtra.dump(), r.extra.dump());
      CPPUNIT_ASSERT_EQUAL(std::size_t(0), r.sigils.size());
    }
    RunResult text = cliAsk(n1, {realAddress});
    CPPUNIT_ASSERT_MESSAGE(text.describe(), text.ok());
    trace("ratatoskr ask " + realAddress + ":\n" + text.out);
    CPPUNIT_ASSERT(text.out.find("Software: yggdrasil 0.5.12 ") != std::string::npos);
    CPPUNIT_ASSERT(text.out.find("Key:      " + real.publicKey()) != std::string::npos);

    // --- e. the real yggdrasilctl through our admin socket prints the same result.
    const Yggctl patientCtl("unix://" + n1.adminSocketPath().string(), 60000);
    const RunResult viaCtl =
        Subprocess::run({Tools::yggdrasilctl(), "-json", "-endpoint=" + patientCtl.endpoint(), "ask", "target=" + realAddress}, 30000);
    const RunResult viaCli = cliAsk(n1, {realAddress, "--json"});
    CPPUNIT_ASSERT_MESSAGE(viaCtl.describe(), viaCtl.ok());
    CPPUNIT_ASSERT_MESSAGE(viaCli.describe(), viaCli.ok());
    trace("yggdrasilctl -json ask target=" + realAddress + ":\n" + viaCtl.out);
    auto ctlResult = rtk::json::Value::parse(viaCtl.out), cliResult = rtk::json::Value::parse(viaCli.out);
    CPPUNIT_ASSERT(ctlResult.get("rtt_ms").asDouble() > 0 && cliResult.get("rtt_ms").asDouble() > 0);
    ctlResult.set("rtt_ms", 0);
    cliResult.set("rtt_ms", 0);
    CPPUNIT_ASSERT_EQUAL(ctlResult.dump(), cliResult.dump());
    const RunResult ctlText =
        Subprocess::run({Tools::yggdrasilctl(), "-endpoint=" + patientCtl.endpoint(), "ask", "target=" + realAddress}, 30000);
    CPPUNIT_ASSERT_MESSAGE(ctlText.describe(), ctlText.ok() && ctlText.out.find(real.publicKey()) != std::string::npos);

    // --- b. our node with sigils, by key: parsed where the parser is.
    const rtk::ninfo::AskResult withMotd = cliAskJson(n1, n2.publicKey());
    trace("n1 asks n2: version " + withMotd.version + ", sigils " + withMotd.sigils.dump() + ", extra " + withMotd.extra.dump());
    const rtk::ninfo::AskResult withoutMotd = cliAskJson(n3, n2.publicKey());
    trace("n3 asks n2: sigils " + withoutMotd.sigils.dump() + ", extra " + withoutMotd.extra.dump());
    for (const char* name : {"info", "inet", "public", "services"}) {
      CPPUNIT_ASSERT_MESSAGE(name, withMotd.sigils.contains(name));
      CPPUNIT_ASSERT_MESSAGE(name, withoutMotd.sigils.contains(name));
    }
    CPPUNIT_ASSERT(withMotd.sigils.contains("motd"));
    const auto motdBlock = rtk::json::Value::parse(R"({"text":"sigils n2","lang":"en"})");
    CPPUNIT_ASSERT_MESSAGE(withMotd.sigils.dump(), withMotd.sigils.get("motd").get("motd") == motdBlock);
    CPPUNIT_ASSERT(!withMotd.extra.contains("motd"));
    CPPUNIT_ASSERT(!withoutMotd.sigils.contains("motd"));
    CPPUNIT_ASSERT_MESSAGE(withoutMotd.extra.dump(), withoutMotd.extra.get("motd") == motdBlock);
    CPPUNIT_ASSERT_EQUAL(std::string("\"ninfo\""), withMotd.extra.get("lab").dump());
    CPPUNIT_ASSERT_MESSAGE(withMotd.version, withMotd.version.rfind("v", 0) == 0);
    CPPUNIT_ASSERT(withMotd.software && withMotd.software->name == "ratatoskr");

    // --- d. 64 different keys at once through the service: the three live
    // nodes answer, keys no node has time out at MaxAskTimeMs.
    std::mt19937_64 rng(20261207);
    std::vector<std::string> keys = {real.publicKey(), n2.publicKey(), n3.publicKey()};
    while (keys.size() < 64) keys.push_back(randomKeyHex(rng));
    auto statsBefore = n1.ctl().call("askStats");
    auto fan = patientCtl.call("ninfoFanout", {{"targets", joined(keys)}, {"timeout", "30000"}});
    auto statsAfter = n1.ctl().call("askStats");
    trace("64 distinct keys at once: " + toJson(fan, 0));
    CPPUNIT_ASSERT_EQUAL(64, fan->getValue<int>("done"));
    CPPUNIT_ASSERT_EQUAL(3, fan->getValue<int>("ok"));
    auto okKeys = fan->getArray("ok_keys");
    std::set<std::string> answered;
    for (std::size_t i = 0; i < okKeys->size(); ++i) answered.insert(okKeys->getElement<std::string>(static_cast<unsigned>(i)));
    CPPUNIT_ASSERT(answered == (std::set<std::string>{keys[0], keys[1], keys[2]}));
    CPPUNIT_ASSERT_EQUAL(61, fan->getObject("errors")->getValue<int>("timeout"));
    CPPUNIT_ASSERT(fan->getObject("messages")->getValue<std::string>("timeout").find("ninfo: timed out asking ") == 0);
    CPPUNIT_ASSERT_MESSAGE("threads while 64 flights were out",
                           fan->getValue<int>("threads_in_flight") <= fan->getValue<int>("threads_before") + 1);
    CPPUNIT_ASSERT_EQUAL(64, statsAfter->getValue<int>("key_flights") - statsBefore->getValue<int>("key_flights"));
    CPPUNIT_ASSERT_EQUAL(0, statsAfter->getValue<int>("busy") - statsBefore->getValue<int>("busy"));

    // --- d. 65 keys nobody has at once: 64 flights, the 65th is busy.
    std::vector<std::string> unknown;
    while (unknown.size() < 65) unknown.push_back(randomKeyHex(rng));
    auto crowd = patientCtl.call("ninfoFanout", {{"targets", joined(unknown)}, {"timeout", "30000"}});
    trace("65 distinct unreachable keys at once: " + toJson(crowd, 0));
    CPPUNIT_ASSERT_EQUAL(64, crowd->getObject("errors")->getValue<int>("timeout"));
    CPPUNIT_ASSERT_EQUAL(1, crowd->getObject("errors")->getValue<int>("refused"));
    CPPUNIT_ASSERT(crowd->getObject("messages")->getValue<std::string>("refused").find("ninfo: busy: 64 keys") == 0);

    // --- d. 1 000 asks for one key at once. For n0's key all are answered;
    // the flight lasts about one round trip, shorter than issuing 1 000 asks
    // takes, so later asks may start a second flight (measured, printed).
    statsBefore = n1.ctl().call("askStats");
    auto thousand = patientCtl.call("ninfoFanout", {{"targets", real.publicKey()}, {"count", "1000"}, {"timeout", "30000"}});
    statsAfter = n1.ctl().call("askStats");
    trace("1000 asks for n0's key: " + toJson(thousand, 0) + "; key flights " +
          std::to_string(statsAfter->getValue<int>("key_flights") - statsBefore->getValue<int>("key_flights")) +
          ", NodeInfo calls " +
          std::to_string(statsAfter->getValue<int>("nodeinfo_calls") - statsBefore->getValue<int>("nodeinfo_calls")));
    CPPUNIT_ASSERT_EQUAL(1000, thousand->getValue<int>("ok"));
    CPPUNIT_ASSERT_EQUAL(1000, statsAfter->getValue<int>("asks") - statsBefore->getValue<int>("asks"));
    // For a key nobody has, the flight lasts MaxAskTimeMs: all 1 000 are in
    // flight together, and they make exactly one.
    const std::string nobodysKey = randomKeyHex(rng);
    statsBefore = n1.ctl().call("askStats");
    auto crowdOnOne = patientCtl.call("ninfoFanout", {{"targets", nobodysKey}, {"count", "1000"}, {"timeout", "30000"}});
    statsAfter = n1.ctl().call("askStats");
    trace("1000 asks for a key nobody has: " + toJson(crowdOnOne, 0));
    CPPUNIT_ASSERT_EQUAL(1000, crowdOnOne->getObject("errors")->getValue<int>("timeout"));
    CPPUNIT_ASSERT_EQUAL(1, statsAfter->getValue<int>("key_flights") - statsBefore->getValue<int>("key_flights"));
    CPPUNIT_ASSERT_MESSAGE("threads while 1000 asks were out",
                           crowdOnOne->getValue<int>("threads_in_flight") <= crowdOnOne->getValue<int>("threads_before") + 1);

    // --- d. an address no node has: unresolvable at the deadline.
    const std::string nobody = rtk::formatAddress(rtk::address::addressForKey(*rtk::PublicKey::fromHex(randomKeyHex(rng))));
    const auto started = Clock::now();
    RunResult lost = cliAsk(n1, {nobody});
    const double tookMs = ms(Clock::now() - started);
    trace("ratatoskr ask " + nobody + ": " + lost.status.describe() + " after " + std::to_string(tookMs) + " ms: " + lost.err);
    CPPUNIT_ASSERT_EQUAL(1, lost.status.code);
    CPPUNIT_ASSERT_MESSAGE(lost.err, lost.err.find("ratatoskr ask: ninfo: cannot resolve " + nobody + ": no node with this address found in ") == 0);
    CPPUNIT_ASSERT_MESSAGE("gave up before MaxLookupTimeMs", tookMs >= kMaxLookupTimeMs);
    try {
      patientCtl.call("ask", {{"target", nobody}});
      CPPUNIT_FAIL("yggdrasilctl ask of an address nobody has succeeded");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("cannot resolve " + nobody) != std::string::npos);
    }

    for (Node* node : {&n1, &n2, &n3}) {
      node->stop();
      const std::string log = node->logTail(400);
      CPPUNIT_ASSERT_MESSAGE(node->name() + " logged a sanitizer report", log.find("Sanitizer") == std::string::npos);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NinfoInteropTest);
