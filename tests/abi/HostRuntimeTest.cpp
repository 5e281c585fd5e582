// The host's whole lifecycle (what the "plugins", "node" and "components"
// subsystems run) with the fixture plugins and a fake node from a factory.
#include <cppunit/extensions/HelperMacros.h>

#include "TestLog.hpp"
#include "common/FakeNode.hpp"
#include "ratatoskr/services/network.h"
#include "runtime/HostRuntime.hpp"

namespace rtk::host {
namespace {

const std::string kDir = RTK_ABI_FIXTURE_DIR;

HostConfig fixtureConfig(std::vector<std::string> enabled, std::string nodeInfo = "{\"location\":\"lab\"}") {
  HostConfig c;
  c.sourcePath = "test.conf";
  c.plugins.directories = {kDir};
  c.plugins.enabled = std::move(enabled);
  c.node.nodeInfo = std::move(nodeInfo);
  c.modules["fixture-sigil"] = json::Value::parse(R"({"Answer": 7})");
  return c;
}

const Plugin* byName(HostRuntime& rt, const std::string& name) { return rt.plugins().find(name); }

}  // namespace

class HostRuntimeTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HostRuntimeTest);
  CPPUNIT_TEST(runsTheLifecycleInOrder);
  CPPUNIT_TEST(refusedSigilLeavesNodeInfoComplete);
  CPPUNIT_TEST(missingEnabledPluginIsAConfigError);
  CPPUNIT_TEST(destructorStopsWhatRuns);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    log_ = std::make_unique<test::TestLog>();
    fake_ = std::make_shared<test::FakeNode>();
    fake_->addressValue = *parseAddress("200:1::2");
    fake_->subnetValue = *parseAddress("300:1::");
    factory_ = [this](const NodeConfig& config, const Log&) {
      seenConfig_ = config;
      ++factoryCalls_;
      return NodeInstance{fake_, "fake node for tests", {"everything: it is a fake"}};
    };
  }

  void runsTheLifecycleInOrder() {
    HostRuntime rt(fixtureConfig({"fixture-good", "fixture-dependent", "fixture-sigil"}), log_->logger(), factory_, "0.1.0");
    rt.startPlugins();
    CPPUNIT_ASSERT_MESSAGE("sigils run before the node exists", byName(rt, "fixture-sigil")->state() == PluginState::Started);
    CPPUNIT_ASSERT(byName(rt, "fixture-good")->state() == PluginState::Found);
    CPPUNIT_ASSERT_EQUAL(0, factoryCalls_);

    rt.startNode();
    CPPUNIT_ASSERT_EQUAL(1, factoryCalls_);
    auto info = json::Value::parse(seenConfig_.nodeInfo);
    CPPUNIT_ASSERT_EQUAL(std::string("lab"), info.get("location").asString());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(7), info.get("fixture").get("answer").asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("[fixture] v0.1.0"), info.get("ratatoskr").asString());
    CPPUNIT_ASSERT_EQUAL(seenConfig_.nodeInfo, rt.nodeInfo());
    CPPUNIT_ASSERT_EQUAL(std::string("core"), rt.registry().find(RTK_NETWORK_SERVICE_ID)->provider);
    CPPUNIT_ASSERT(log_->find("info node: address 200:1::2") >= 0);
    CPPUNIT_ASSERT(log_->find("info node: subnet 300:1::/64") >= 0);
    CPPUNIT_ASSERT(log_->find("warn node: not running: everything: it is a fake") >= 0);

    rt.startComponents();
    CPPUNIT_ASSERT(byName(rt, "fixture-good")->state() == PluginState::Started);
    CPPUNIT_ASSERT(byName(rt, "fixture-dependent")->state() == PluginState::Started);
    auto problems = rt.problems();
    CPPUNIT_ASSERT_MESSAGE("the broken fixtures in the directory are reported", problems.size() >= 6);
    CPPUNIT_ASSERT(log_->find("info components: 3 plugin(s) running") >= 0);

    rt.stopComponents();
    CPPUNIT_ASSERT(byName(rt, "fixture-good")->state() == PluginState::Stopped);
    CPPUNIT_ASSERT_MESSAGE("components stop before the node closes", !fake_->closed());
    rt.stopNode();
    CPPUNIT_ASSERT(fake_->closed());
    CPPUNIT_ASSERT(byName(rt, "fixture-sigil")->state() == PluginState::Started);
    rt.stopPlugins();
    CPPUNIT_ASSERT(byName(rt, "fixture-sigil")->state() == PluginState::Stopped);
    long comp = log_->find("stopping fixture-good"), node = log_->find("info node: closing the node"),
         sigil = log_->find("stopping fixture-sigil");
    CPPUNIT_ASSERT(comp >= 0 && node > comp && sigil > node);
  }

  void refusedSigilLeavesNodeInfoComplete() {
    HostRuntime rt(fixtureConfig({"fixture-sigil"}, R"({"fixture":"mine"})"), log_->logger(), factory_, "0.1.0");
    rt.startPlugins();
    rt.startNode();
    const Plugin* sigil = byName(rt, "fixture-sigil");
    CPPUNIT_ASSERT(sigil->state() == PluginState::StartFailed);
    CPPUNIT_ASSERT_EQUAL(kDir + "/sigil.so: sigil \"fixture\" (plugin \"fixture-sigil\"): key \"fixture\" is owned both by "
                                 "NodeInfo.fixture in test.conf and by this sigil — keep only one",
                         sigil->reason());
    // A sigil was enabled, none published: the metadata says so (as Go).
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"fixture":"mine","ratatoskr":"[] v0.1.0"})"), seenConfig_.nodeInfo);
  }

  void missingEnabledPluginIsAConfigError() {
    HostRuntime rt(fixtureConfig({"fixture-good", "no-such-plugin"}), log_->logger(), factory_, "0.1.0");
    try {
      rt.startPlugins();
      CPPUNIT_FAIL("accepted");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::Config);
      CPPUNIT_ASSERT(std::string(e.what()).rfind("test.conf: Plugins.Enabled: no plugin named \"no-such-plugin\" was found in " + kDir, 0) == 0);
    }
  }

  void destructorStopsWhatRuns() {
    {
      HostRuntime rt(fixtureConfig({"fixture-good", "fixture-sigil"}), log_->logger(), factory_, "0.1.0");
      rt.startPlugins();
      rt.startNode();
      rt.startComponents();
    }
    CPPUNIT_ASSERT(fake_->closed());
    CPPUNIT_ASSERT(log_->find("info fixture-good: echo: stopped") >= 0);
    CPPUNIT_ASSERT(log_->find("stopping fixture-sigil") >= 0);
  }

 private:
  std::unique_ptr<test::TestLog> log_;
  std::shared_ptr<test::FakeNode> fake_;
  NodeFactory factory_;
  NodeConfig seenConfig_;
  int factoryCalls_ = 0;
};

CPPUNIT_TEST_SUITE_REGISTRATION(HostRuntimeTest);

}  // namespace rtk::host
