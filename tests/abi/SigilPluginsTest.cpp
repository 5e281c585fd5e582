// The built-in sigil plugins (sigils/info, public, inet, services) and the
// file-named fixture sigil in the host runtime, before a fake node: what the
// node is created with, what is refused and how the operator hears of it.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>

#include "TestLog.hpp"
#include "config/ConfParser.hpp"
#include "common/FakeNode.hpp"
#include "common/TempDir.hpp"
#include "ratatoskr/sigil.h"
#include "ratatoskr/sigils/builtin.hpp"
#include "runtime/HostRuntime.hpp"

namespace rtk::host {
namespace {

namespace fs = std::filesystem;

const std::string kSigilPluginDir = RTK_BUILD_PLUGIN_DIR;
const std::string kSigilFixtureDir = RTK_ABI_FIXTURE_DIR;

// The build keys as the real node adds them (sorted in, as it writes them).
std::string previewWithBuildKeys(std::string_view text, bool privacy) {
  json::Value v = json::Value::parse(text);
  if (!privacy) {
    v.set("buildarch", "amd64");
    v.set("buildname", "ratatoskr");
    v.set("buildplatform", "linux");
    v.set("buildversion", "0.1.0");
  }
  return v.dump();
}

const char* kAllFourModules = R"({
  "info": {"Name": "edge.example.net", "Type": "router", "Location": "Kraków — Polska",
           "Contacts": {"email": ["admin@example.net"]}},
  "public": {"Peers": {"internet": ["tls://203.0.113.10:443"]}},
  "inet": {"Addrs": ["edge.example.net", "203.0.113.10"]},
  "services": {"Services": {"http": 80, "ssh": 22}}
})";

}  // namespace

class SigilPluginsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SigilPluginsTest);
  CPPUNIT_TEST(allFourPublishWhatGoReads);
  CPPUNIT_TEST(exampleConfRunsAsDocumented);
  CPPUNIT_TEST(confNameWithInfoNamesBothOwners);
  CPPUNIT_TEST(invalidSettingFailsTheLoad);
  CPPUNIT_TEST(overBudgetRefusesTheSigilNamingSizes);
  CPPUNIT_TEST(sixtyFifthSigilIsRefused);
  CPPUNIT_TEST(customSigilCannotBeInfo);
  CPPUNIT_TEST(parseOnlySigilPublishesNothing);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    log_ = std::make_unique<test::TestLog>();
    dir_ = std::make_unique<test::TempDir>("sigil-plugins");
    factory_ = [this](const NodeConfig& config, const Log&) {
      seenConfig_ = config;
      return NodeInstance{std::make_shared<test::FakeNode>(), "fake node for tests", {}};
    };
  }
  void tearDown() override {
    runtime_.reset();
    dir_.reset();
  }

  void allFourPublishWhatGoReads() {
    run({"info", "public", "inet", "services", "fixture-good"}, R"({"extra":"kept"})", kAllFourModules);
    for (const char* p : {"info", "public", "inet", "services", "fixture-good"}) expectState(p, PluginState::Started);
    auto info = json::Value::parse(seenConfig_.nodeInfo);
    CPPUNIT_ASSERT_EQUAL(std::string("[inet,info,public,services] v0.1.0"), info.get("ratatoskr").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("kept"), info.get("extra").asString());
    // Each sigil's part is what the built-in rules (ours and Go's) accept.
    for (const sigils::BuiltinSigil* s : sigils::builtinSigils()) {
      std::string why;
      CPPUNIT_ASSERT_MESSAGE(std::string(s->name()) + ": " + why, s->parse(info, &why).has_value());
    }
    CPPUNIT_ASSERT_EQUAL(std::string("Kraków — Polska"), info.get("location").asString());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(22), info.get("services").get("ssh").asInt64());
    const auto published = previewWithBuildKeys(seenConfig_.nodeInfo, false).size();
    CPPUNIT_ASSERT_MESSAGE(log_->dump(), log_->find("info node: NodeInfo: " + std::to_string(published) +
                                                    " of 16384 bytes as published; sigils: inet, info, public, services") >= 0);
    CPPUNIT_ASSERT(log_->find("info info: publishes name, type, location, contact") >= 0);
  }

  void exampleConfRunsAsDocumented() {
    HostConfig c = ConfParser::parseFile(RTK_EXAMPLE_SIGILS_CONF);
    c.plugins.directories = {kSigilPluginDir};
    runtime_ = std::make_unique<HostRuntime>(c, log_->logger(), factory_, "0.1.0", &previewWithBuildKeys);
    runtime_->startPlugins();
    runtime_->startNode();
    runtime_->startComponents();
    CPPUNIT_ASSERT_MESSAGE(log_->dump(), runtime_->problems().empty());
    auto info = json::Value::parse(seenConfig_.nodeInfo);
    CPPUNIT_ASSERT_EQUAL(std::string("[inet,info,public,services] v0.1.0"), info.get("ratatoskr").asString());
    for (const sigils::BuiltinSigil* s : sigils::builtinSigils()) CPPUNIT_ASSERT(s->parse(info, nullptr).has_value());
  }

  void confNameWithInfoNamesBothOwners() {
    run({"info", "services", "fixture-good"}, R"({"name":"hand-written"})", kAllFourModules);
    const Plugin* info = find("info");
    CPPUNIT_ASSERT(info->state() == PluginState::StartFailed);
    const std::string reason = kSigilPluginDir + "/info.so: sigil \"info\" (plugin \"info\"): key \"name\" is owned both by NodeInfo.name in "
                               "test.conf and by this sigil — keep only one";
    CPPUNIT_ASSERT_EQUAL(reason, info->reason());
    CPPUNIT_ASSERT_MESSAGE(log_->dump(), log_->find("error plugins: " + reason) >= 0);
    expectState("services", PluginState::Started);
    expectState("fixture-good", PluginState::Started);
    auto nodeInfo = json::Value::parse(seenConfig_.nodeInfo);
    CPPUNIT_ASSERT_EQUAL(std::string("hand-written"), nodeInfo.get("name").asString());
    CPPUNIT_ASSERT_MESSAGE("no part of the refused sigil", !nodeInfo.contains("type"));
    CPPUNIT_ASSERT_EQUAL(std::string("[services] v0.1.0"), nodeInfo.get("ratatoskr").asString());
  }

  void invalidSettingFailsTheLoad() {
    run({"info", "inet", "services", "fixture-good"}, "{}",
        R"({"info": {"Name": "My Node", "Type": "router"}, "inet": {"Addrs": ["a.example", "a.example"]},
            "services": {"Services": {"http": 80}}})");
    const Plugin* info = find("info");
    CPPUNIT_ASSERT(info->state() == PluginState::LoadFailed);
    CPPUNIT_ASSERT_MESSAGE(info->reason(),
                           info->reason().find("Modules.info.Name: \"My Node\" does not match ^[a-z0-9._-]{4,64}$") != std::string::npos);
    CPPUNIT_ASSERT(log_->find("error plugins: " + info->reason()) >= 0);
    CPPUNIT_ASSERT_MESSAGE(find("inet")->reason(),
                           find("inet")->reason().find("Modules.inet.Addrs[1]: \"a.example\" repeats Addrs[0]") != std::string::npos);
    expectState("services", PluginState::Started);
    expectState("fixture-good", PluginState::Started);
    CPPUNIT_ASSERT_EQUAL(std::string("[services] v0.1.0"), json::Value::parse(seenConfig_.nodeInfo).get("ratatoskr").asString());
  }

  void overBudgetRefusesTheSigilNamingSizes() {
    // The conf's NodeInfo fits with services and the build keys, not with
    // info (in either start order); without the build keys info fits alone.
    // Sizes: the conf 16053 bytes; info's fragment 259 and its metadata 28
    // (16340 in all); the build keys 89; services with metadata 65.
    const std::string filler = "{\"filler\":\"" + std::string(16040, 'f') + "\"}";
    const std::string modules = R"({"info": {"Name": "edge.example.net", "Type": "router", "Description": ")" +
                                std::string(200, 'd') + R"("}, "services": {"Services": {"http": 80, "ssh": 22}}})";
    const std::size_t buildKeyBytes = previewWithBuildKeys(R"({"x":0})", false).size() - 7;
    run({"info", "services", "fixture-good"}, filler, modules);
    const Plugin* info = find("info");
    CPPUNIT_ASSERT(info->state() == PluginState::StartFailed);
    const auto& why = info->reason();
    CPPUNIT_ASSERT_MESSAGE(why, why.find("sigil \"info\" (plugin \"info\"): NodeInfo would be ") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(why, why.find(" bytes with it (" + std::to_string(buildKeyBytes) +
                                         " of them the build keys the node adds unless NodeInfoPrivacy), over the budget "
                                         "of 16384 bytes; it is published without this sigil") != std::string::npos);
    const std::size_t claimed = std::stoul(why.substr(why.find("NodeInfo would be ") + 18));
    CPPUNIT_ASSERT_MESSAGE(why, claimed > 16384 && claimed < 16384 + 400);
    CPPUNIT_ASSERT(log_->find("error plugins: " + why) >= 0);
    expectState("services", PluginState::Started);
    expectState("fixture-good", PluginState::Started);
    const auto published = previewWithBuildKeys(seenConfig_.nodeInfo, false);
    CPPUNIT_ASSERT(published.size() <= 16384);
    CPPUNIT_ASSERT_EQUAL(std::string("[services] v0.1.0"), json::Value::parse(published).get("ratatoskr").asString());

    // Alone, info is over only because of the build keys; NodeInfoPrivacy
    // leaves them out and it fits.
    runtime_.reset();
    run({"info"}, filler, modules, false);
    expectState("info", PluginState::StartFailed);
    runtime_.reset();
    run({"info"}, filler, modules, true);
    expectState("info", PluginState::Started);
    CPPUNIT_ASSERT(seenConfig_.nodeInfo.size() <= 16384);
  }

  void sixtyFifthSigilIsRefused() {
    std::vector<std::string> enabled;
    for (int i = 1; i <= 65; ++i) {
      char name[16];
      std::snprintf(name, sizeof name, "s%03d", i);
      copyNamedSigil(name);
      enabled.push_back(std::string("sigil-") + name);
    }
    enabled.push_back("fixture-good");
    run(enabled, "{}", "{}");
    std::vector<std::string> refused;
    for (const auto& name : enabled)
      if (find(name)->state() == PluginState::StartFailed) refused.push_back(find(name)->reason());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), refused.size());
    CPPUNIT_ASSERT_MESSAGE(refused[0], refused[0].find("too many sigils: this would be number 65, at most 64 are published") !=
                                           std::string::npos);
    CPPUNIT_ASSERT(log_->find("error plugins: " + refused[0]) >= 0);
    auto meta = sigils::parseMetadata(json::Value::parse(seenConfig_.nodeInfo).get("ratatoskr").asString(), nullptr);
    CPPUNIT_ASSERT(meta.has_value());
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), meta->names.size());
    expectState("fixture-good", PluginState::Started);
  }

  void customSigilCannotBeInfo() {
    copyNamedSigil("info");
    run({"sigil-info", "services"}, "{}", kAllFourModules);
    const Plugin* custom = find("sigil-info");
    CPPUNIT_ASSERT(custom->state() == PluginState::StartFailed);
    CPPUNIT_ASSERT_MESSAGE(custom->reason(),
                           custom->reason().find("sigil \"info\" (plugin \"sigil-info\"): the name \"info\" is reserved for the built-in "
                                                 "sigil, which owns name, type, location, contact, description; this one owns info") !=
                               std::string::npos);
    CPPUNIT_ASSERT(!json::Value::parse(seenConfig_.nodeInfo).contains("info"));
  }

  void parseOnlySigilPublishesNothing() {
    copyNamedSigil("reader");
    run({"sigil-reader", "services"}, "{}", R"({"sigil-reader": {"ParseOnly": true}, "services": {"Services": {"http": 80}}})");
    expectState("sigil-reader", PluginState::Started);
    auto info = json::Value::parse(seenConfig_.nodeInfo);
    CPPUNIT_ASSERT_MESSAGE(seenConfig_.nodeInfo, !info.contains("reader"));
    CPPUNIT_ASSERT_EQUAL(std::string("[services] v0.1.0"), info.get("ratatoskr").asString());
    CPPUNIT_ASSERT(log_->find("sigils: services; parse-only: reader") >= 0);
    // Still a running provider of the sigil service: what ninfo enumerates.
    std::vector<std::string> providers;
    for (const auto& entry : runtime_->registry().findAll(RTK_SIGIL_SERVICE_ID)) providers.push_back(entry.provider);
    CPPUNIT_ASSERT((providers == std::vector<std::string>{"sigil-reader", "services"}) ||
                   (providers == std::vector<std::string>{"services", "sigil-reader"}));

    // Parse-only sigils alone write no metadata.
    runtime_.reset();
    run({"sigil-reader"}, R"({"x":1})", R"({"sigil-reader": {"ParseOnly": true}})");
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"x":1})"), seenConfig_.nodeInfo);
  }

 private:
  void copyNamedSigil(const std::string& name) {
    fs::create_directories(dir_->path() + "/named");
    fs::copy_file(RTK_NAMED_SIGIL_FIXTURE, dir_->path() + "/named/sigil-" + name + ".so", fs::copy_options::overwrite_existing);
  }

  void run(std::vector<std::string> enabled, const std::string& nodeInfo, const std::string& modules, bool privacy = false) {
    HostConfig c;
    c.sourcePath = "test.conf";
    c.plugins.directories = {kSigilPluginDir, kSigilFixtureDir};
    if (fs::exists(dir_->path() + "/named")) c.plugins.directories.push_back(dir_->path() + "/named");
    c.plugins.enabled = std::move(enabled);
    c.node.nodeInfo = nodeInfo;
    c.node.nodeInfoPrivacy = privacy;
    auto m = json::Value::parse(modules);
    for (std::size_t i = 0; i < m.size(); ++i) c.modules[m.keyAt(i)] = m.at(i);
    runtime_ = std::make_unique<HostRuntime>(c, log_->logger(), factory_, "0.1.0", &previewWithBuildKeys);
    runtime_->startPlugins();
    runtime_->startNode();
    runtime_->startComponents();
  }

  const Plugin* find(const std::string& name) {
    const Plugin* p = runtime_->plugins().find(name);
    CPPUNIT_ASSERT_MESSAGE("no plugin " + name, p != nullptr);
    return p;
  }
  void expectState(const std::string& name, PluginState state) {
    const Plugin* p = find(name);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(name + ": " + p->reason(), std::string(pluginStateName(state)), std::string(pluginStateName(p->state())));
  }

  std::unique_ptr<test::TestLog> log_;
  std::unique_ptr<test::TempDir> dir_;
  NodeFactory factory_;
  NodeConfig seenConfig_;
  std::unique_ptr<HostRuntime> runtime_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SigilPluginsTest);

}  // namespace rtk::host
