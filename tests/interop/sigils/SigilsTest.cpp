// Issue 11 a and c: sigils as the real yggdrasil 0.5.12 sees them.
//
//   r (real, TUN) ◀──tcp── full, private, confname, badsetting, budget, many
//                          (our host, each a separate process from its conf)
//
// a. full enables info, public, inet, services and motd-sigil; the real
//    `yggdrasilctl getNodeInfo key=<full>` run against r's admin socket
//    returns every sigil's keys, valid by the built-in rules, the build keys,
//    and "ratatoskr": "[inet,info,motd,public,services] v0.1.0".
//    private is the same with NodeInfoPrivacy: no build keys.
// c. Bad confs, each giving one error line naming the sigil and the rule,
//    while the host runs its other plugins (status, the other sigils) and
//    publishes a complete NodeInfo without the refused sigil:
//      confname    NodeInfo.name in the conf with info enabled
//      badsetting  info with an invalid Name
//      budget      NodeInfo over 16384 bytes with info and the build keys
//      many        65 sigils (the file-named fixture copied 65 times)
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "Json.hpp"
#include "Lab.hpp"
#include "Trace.hpp"
#include "Transport.hpp"
#include "Wait.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/json.hpp"
#include "ratatoskr/sigils/builtin.hpp"

using namespace rtk::interop;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kFullModules = R"({
  "info": {"Name": "edge.example.net", "Type": "router", "Location": "Kraków — Polska 🌲",
           "Description": "Public relay node", "Contacts": {"email": ["admin@example.net"], "matrix": ["@admin:example.net"]}},
  "public": {"Peers": {"internet": ["tls://203.0.113.10:443", "tcp://[2001:db8::10]:8443"]}},
  "inet": {"Addrs": ["edge.example.net", "203.0.113.10", "2001:db8::10"]},
  "services": {"Services": {"http": 80, "https": 443, "ssh": 22}},
  "motd-sigil": {"Text": "Welcome to the edge", "Lang": "en"},
  "status": {"IntervalSeconds": 3600}
})";

std::string readFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Poco::JSON::Object::Ptr pocoObject(const std::string& text) { return parseJsonObject(text, "interop_sigils"); }

// What r's real yggdrasilctl getNodeInfo returns for `node`, as our JSON
// value. The first request of a peer may time out while r looks the path up.
rtk::json::Value remoteNodeInfo(const RealNode& r, const Node& node) {
  Poco::JSON::Object::Ptr reply;
  waitUntil("r's getNodeInfo of " + node.name(), 30000, [&] {
    try {
      reply = r.ctl().getNodeInfo(node.publicKey());
      return true;
    } catch (const rtk::Error& e) {
      trace("r: getNodeInfo of " + node.name() + ": " + e.what() + "; again");
      return false;
    }
  });
  CPPUNIT_ASSERT_MESSAGE("no NodeInfo of " + node.name(), reply && reply->has(node.publicKey()));
  return rtk::json::Value::parse(toJson(reply->getObject(node.publicKey()), 0));
}

// The plugin's state as our host's listPlugins reports it.
std::string pluginState(const Node& node, const std::string& plugin) {
  auto list = node.ctl().call("listPlugins")->getArray("plugins");
  for (std::size_t i = 0; list && i < list->size(); ++i) {
    auto p = list->getObject(static_cast<unsigned>(i));
    if (p->getValue<std::string>("name") == plugin) return p->getValue<std::string>("state");
  }
  return "absent";
}

// Lines of the host's log holding `text`.
std::vector<std::string> logLines(const Node& node, const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(readFile(node.logPath()));
  for (std::string line; std::getline(in, line);)
    if (line.find(text) != std::string::npos) out.push_back(line);
  return out;
}

// Exactly one error line in the log holds `text`.
void expectOneErrorLine(const Node& node, const std::string& text) {
  auto lines = logLines(node, text);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(node.name() + ": lines with \"" + text + "\":\n" + node.logTail(40), std::size_t(1), lines.size());
  CPPUNIT_ASSERT_MESSAGE(lines[0], lines[0].find("ERROR") != std::string::npos || lines[0].find("error") != std::string::npos);
  trace(node.name() + ": " + lines[0]);
}

void expectBuiltinsValid(const rtk::json::Value& info, const std::string& who) {
  for (const auto* s : rtk::sigils::builtinSigils()) {
    std::string why;
    CPPUNIT_ASSERT_MESSAGE(who + ": " + std::string(s->name()) + ": " + why, s->parse(info, &why).has_value());
  }
}

}  // namespace

class SigilsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SigilsTest);
  CPPUNIT_TEST(realNodeReadsOurSigils);
  CPPUNIT_TEST_SUITE_END();

 public:
  void realNodeReadsOurSigils() {
    const auto began = Clock::now();
    Lab lab("sigils");
    Netns& nsO = lab.addNetns("o");
    Netns& nsR = lab.addNetns("r");
    const VethLink& link = lab.connect(nsO, nsR);
    const std::string rUri = transportUri(Transport::Tcp, link.b().ipv6, 7400);

    NodeSpec rSpec{.name = "r"};
    rSpec.listen = {rUri};
    RealNode& r = lab.addRealNode(rSpec, nsR);

    const fs::path named = lab.dir() / "named";
    fs::create_directories(named);
    std::vector<std::string> many;
    for (int i = 1; i <= 65; ++i) {
      char name[16];
      std::snprintf(name, sizeof name, "s%03d", i);
      fs::copy_file(RTK_NAMED_SIGIL_FIXTURE, named / ("sigil-" + std::string(name) + ".so"));
      many.push_back("sigil-" + std::string(name));
    }

    auto host = [&](const std::string& name, std::vector<std::string> enabled, Poco::JSON::Object::Ptr nodeInfo,
                    const std::string& modules, bool privacy = false) -> OurNode& {
      NodeSpec spec{.name = name};
      spec.peers = {rUri};
      spec.nodeInfo = nodeInfo;
      spec.nodeInfoPrivacy = privacy;
      spec.plugins = new Poco::JSON::Object;
      spec.plugins->set("Directories", jsonArray({RTK_SIGILS_MOTD_DIR, named.string()}));
      enabled.push_back("status");
      spec.plugins->set("Enabled", jsonArray(enabled));
      spec.modules = pocoObject(modules);
      return lab.addOurNode(spec, nsO);
    };
    const std::vector<std::string> fiveSigils{"info", "public", "inet", "services", "motd-sigil"};
    OurNode& full = host("full", fiveSigils, pocoObject(R"({"operator-note":"kept"})"), kFullModules);
    OurNode& priv = host("private", fiveSigils, pocoObject("{}"), kFullModules, true);
    OurNode& withName = host("confname", {"info", "services"}, pocoObject(R"({"name":"hand-written"})"), kFullModules);
    OurNode& badSetting = host("badsetting", {"info", "services"}, pocoObject("{}"),
                               R"({"info": {"Name": "My Node", "Type": "router"}, "services": {"Services": {"http": 80}}})");
    // 15897 bytes of conf NodeInfo: services (56 with its metadata) and the
    // build keys (91) fit; info with a 500-character description does not.
    const std::string filler(16384 - 500, 'f');
    OurNode& budget = host("budget", {"info", "services"}, pocoObject("{\"filler\":\"" + filler + "\"}"),
                           R"({"info": {"Name": "edge.example.net", "Type": "router", "Description": ")" + std::string(500, 'd') +
                               R"("}, "services": {"Services": {"http": 80}}})");
    OurNode& tooMany = host("many", many, pocoObject("{}"), "{}");

    r.start();
    std::vector<OurNode*> ours{&full, &priv, &withName, &badSetting, &budget, &tooMany};
    for (OurNode* o : ours) o->start();
    waitUntil("all six hosts peered with r", 30000, [&] { return r.ctl().upPeerKeys().size() == ours.size(); });
    trace("r and six hosts up after " + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began).count()) +
          " ms");

    // --- a. every sigil's keys, as the real node receives them.
    for (OurNode* o : {&full, &priv}) {
      auto info = remoteNodeInfo(r, *o);
      trace(o->name() + " as r sees it: " + info.dump());
      CPPUNIT_ASSERT_EQUAL(std::string("[inet,info,motd,public,services] v0.1.0"), info.get("ratatoskr").asString());
      expectBuiltinsValid(info, o->name());
      CPPUNIT_ASSERT_EQUAL(std::string("edge.example.net"), info.get("name").asString());
      CPPUNIT_ASSERT_EQUAL(std::string("Kraków — Polska 🌲"), info.get("location").asString());
      CPPUNIT_ASSERT_EQUAL(std::string("@admin:example.net"), info.get("contact").get("matrix").at(0).asString());
      CPPUNIT_ASSERT_EQUAL(std::string("tcp://[2001:db8::10]:8443"), info.get("public").get("internet").at(1).asString());
      CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::10"), info.get("inet").at(2).asString());
      CPPUNIT_ASSERT_EQUAL(std::int64_t(443), info.get("services").get("https").asInt64());
      CPPUNIT_ASSERT_EQUAL(std::string("Welcome to the edge"), info.get("motd").get("text").asString());
      auto meta = rtk::sigils::parseMetadata(info.get("ratatoskr").asString(), nullptr);
      CPPUNIT_ASSERT(meta && meta->names.size() == 5);
      CPPUNIT_ASSERT_EQUAL(std::string("started"), pluginState(*o, "status"));
    }
    auto fullInfo = remoteNodeInfo(r, full);
    CPPUNIT_ASSERT_EQUAL(std::string("ratatoskr"), fullInfo.get("buildname").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("kept"), fullInfo.get("operator-note").asString());
    auto privInfo = remoteNodeInfo(r, priv);
    for (const char* k : {"buildname", "buildversion", "buildplatform", "buildarch"})
      CPPUNIT_ASSERT_MESSAGE(std::string("privacy: ") + k, !privInfo.contains(k));

    // --- c. bad confs: one error line each, the host and its other plugins run.
    expectOneErrorLine(withName, "sigil \"info\" (plugin \"info\"): key \"name\" is owned both by NodeInfo.name in " +
                                     withName.confPath().string() + " and by this sigil");
    expectOneErrorLine(badSetting, "Modules.info.Name: \"My Node\" does not match ^[a-z0-9._-]{4,64}$");
    expectOneErrorLine(budget, "sigil \"info\" (plugin \"info\"): NodeInfo would be ");
    CPPUNIT_ASSERT(!logLines(budget, "over the budget of 16384 bytes; it is published without this sigil").empty());
    expectOneErrorLine(tooMany, "too many sigils: this would be number 65, at most 64 are published");
    for (OurNode* o : {&withName, &badSetting, &budget}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(o->name(), std::string("started"), pluginState(*o, "status"));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(o->name(), std::string("started"), pluginState(*o, "services"));
      CPPUNIT_ASSERT_MESSAGE(o->name(), pluginState(*o, "info") != "started");
      auto info = remoteNodeInfo(r, *o);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(o->name(), std::string("[services] v0.1.0"), info.get("ratatoskr").asString());
      CPPUNIT_ASSERT_MESSAGE(o->name() + ": nothing of the refused info sigil", !info.contains("type"));
    }
    CPPUNIT_ASSERT_EQUAL(std::string("hand-written"), remoteNodeInfo(r, withName).get("name").asString());
    auto budgetInfo = remoteNodeInfo(r, budget);
    CPPUNIT_ASSERT(budgetInfo.dump().size() <= 16384);
    CPPUNIT_ASSERT_EQUAL(filler, budgetInfo.get("filler").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("started"), pluginState(tooMany, "status"));
    auto manyInfo = remoteNodeInfo(r, tooMany);
    auto manyMeta = rtk::sigils::parseMetadata(manyInfo.get("ratatoskr").asString(), nullptr);
    CPPUNIT_ASSERT_MESSAGE("Go nodes can read it", manyMeta.has_value());
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), manyMeta->names.size());
    std::size_t refused = 0;
    for (const auto& name : many) refused += pluginState(tooMany, name) == "started" ? 0 : 1;
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), refused);

    for (OurNode* o : ours) o->stop();
    trace("interop_sigils took " + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began).count()) +
          " ms");
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SigilsTest);
