// The loader against real .so files: one fixture per failure mode, each
// asserting its state and its one-sentence reason, while the good plugins
// keep loading and running.
#include <cppunit/extensions/HelperMacros.h>
#include <dlfcn.h>

#include "EchoService.h"
#include "TestLog.hpp"
#include "common/FakeNode.hpp"
#include "ratatoskr/services/network.h"
#include "ratatoskr/sigil.h"
#include "runtime/CoreServices.hpp"
#include "runtime/HostRuntime.hpp"
#include "runtime/PluginManager.hpp"

namespace rtk::host {
namespace {

const std::string kFixtureDir = RTK_ABI_FIXTURE_DIR;
const std::map<std::string, std::string> kHostServices = [] {
  std::map<std::string, std::string> m;
  for (const auto& id : HostRuntime::coreServices()) m[id] = "core";
  return m;
}();
const std::vector<std::string> kEnabled{"fixture-good",    "fixture-dependent", "fixture-failload", "fixture-failstart",
                                        "fixture-cycle-a", "fixture-cycle-b",   "fixture-lonely",   "fixture-sigil"};

const Plugin& byFile(const PluginManager& m, const std::string& file) {
  for (const auto& p : m.plugins())
    if (p->path() == kFixtureDir + "/" + file) return *p;
  CPPUNIT_FAIL("no record for " + file);
  throw;
}

bool isMapped(const std::string& file) {
  void* h = ::dlopen((kFixtureDir + "/" + file).c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (h) ::dlclose(h);  // drops only the reference RTLD_NOLOAD added
  return h != nullptr;
}

void assertState(const Plugin& p, PluginState state, const std::string& reason) {
  CPPUNIT_ASSERT_EQUAL_MESSAGE(p.path() + ": " + p.reason(), std::string(pluginStateName(state)), std::string(pluginStateName(p.state())));
  CPPUNIT_ASSERT_EQUAL(reason, p.reason());
}

}  // namespace

class PluginManagerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PluginManagerTest);
  CPPUNIT_TEST(everyFailureModeIsKeptWithItsReason);
  CPPUNIT_TEST(enabledNameWithoutPluginFailsListingAvailable);
  CPPUNIT_TEST(badSettingsRefuseBeforeAnyPluginCode);
  CPPUNIT_TEST(notEnabledStaysDisabled);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    log_ = std::make_unique<test::TestLog>();
    registry_ = std::make_unique<ServiceRegistry>();
    manager_ = std::make_unique<PluginManager>(*registry_, log_->log("plugins"), "0.1.0");
    fake_ = std::make_shared<test::FakeNode>();
    fake_->mtuValue = 4321;
    fake_->addressValue = *parseAddress("200:abcd::1");
    core_ = std::make_unique<CoreServices>(fake_, "{}", std::map<std::string, std::string>{}, log_->logger());
  }
  void tearDown() override {
    manager_.reset();  // stops and unloads whatever a failed test left running
    core_.reset();
    registry_.reset();
  }

  void everyFailureModeIsKeptWithItsReason() {
    manager_->discover({kFixtureDir});
    auto& m = *manager_;
    // Refused while opening, before anything but rtk_plugin_entry ran.
    assertState(byFile(m, "wrong-major.so"), PluginState::Refused,
                kFixtureDir + "/wrong-major.so: \"fixture-major\" needs ABI 3.0, host is 2.0 (major differs) — rebuild against SDK 2.x");
    assertState(byFile(m, "newer-minor.so"), PluginState::Refused,
                kFixtureDir + "/newer-minor.so: \"fixture-minor\" needs ABI 2.1, host is 2.0 (plugin is newer) — upgrade the host or rebuild against SDK 2.0");
    assertState(byFile(m, "no-entry.so"), PluginState::Refused,
                kFixtureDir + "/no-entry.so: no rtk_plugin_entry symbol — not a ratatoskr plugin (define one with RTK_PLUGIN)");
    assertState(byFile(m, "bad-name.so"), PluginState::Refused,
                kFixtureDir + "/bad-name.so: plugin name \"Bad Name!\" is invalid — it must match ^[a-z0-9._-]{3,32}$");
    assertState(byFile(m, "too-small.so"), PluginState::Refused,
                kFixtureDir + "/too-small.so: \"fixture-small\" descriptor is " + std::to_string(RTK_PLUGIN_DESCRIPTOR_HEADER_SIZE) +
                    " bytes, ABI 2.0 needs at least " + std::to_string(RTK_PLUGIN_DESCRIPTOR_SIZE_2_0) + " — rebuild against SDK 2.x");
    assertState(byFile(m, "x-duplicate.so"), PluginState::Refused,
                kFixtureDir + "/x-duplicate.so: plugin \"fixture-good\" is already provided by " + kFixtureDir + "/good.so — remove one of them");
    const auto& garbage = byFile(m, "garbage.so");
    CPPUNIT_ASSERT(garbage.state() == PluginState::Refused);
    CPPUNIT_ASSERT_MESSAGE(garbage.reason(), garbage.reason().rfind(kFixtureDir + "/garbage.so: cannot be loaded: ", 0) == 0);
    // A file refused while opening is closed again at once (dlclose).
    CPPUNIT_ASSERT_MESSAGE("a refused file stays mapped", !isMapped("wrong-major.so"));

    m.select(kEnabled, {{"fixture-good", json::Value::parse(R"({"Greeting":"hi"})")}}, kHostServices, "test.conf");
    // Dependency problems: refused before any of their code ran.
    assertState(byFile(m, "cycle-a.so"), PluginState::Refused,
                kFixtureDir + "/cycle-a.so: dependency cycle: fixture-cycle-a -[fixture.cycle-b/1]-> fixture-cycle-b -[fixture.cycle-a/1]-> fixture-cycle-a");
    assertState(byFile(m, "cycle-b.so"), PluginState::Refused,
                kFixtureDir + "/cycle-b.so: dependency cycle: fixture-cycle-a -[fixture.cycle-b/1]-> fixture-cycle-b -[fixture.cycle-a/1]-> fixture-cycle-a");
    assertState(byFile(m, "lonely.so"), PluginState::Refused,
                kFixtureDir + "/lonely.so: \"fixture-lonely\" requires \"fixture.absent/1\", which no enabled plugin provides");
    std::string order;
    for (const auto& name : m.order()) order += name + " ";
    // Discovery (file name) order, each plugin after what it requires.
    CPPUNIT_ASSERT_EQUAL(std::string("fixture-failload fixture-failstart fixture-good fixture-dependent fixture-sigil "), order);

    // The host's lifecycle: sigils, then the node service, then components.
    m.load(RTK_PLUGIN_SIGIL);
    m.start(RTK_PLUGIN_SIGIL);
    core_->registerIn(*registry_);
    m.setScopeFactory(core_->scopeFactory());
    m.load(RTK_PLUGIN_COMPONENT);
    m.start(RTK_PLUGIN_COMPONENT);

    // Refused by select(): never loaded, and closed again (nothing of them stays mapped).
    for (const char* file : {"cycle-a.so", "cycle-b.so", "lonely.so"})
      CPPUNIT_ASSERT_MESSAGE(file, !isMapped(file));

    assertState(byFile(m, "failing-load.so"), PluginState::LoadFailed,
                kFixtureDir + "/failing-load.so: \"fixture-failload\" 1.0.0 failed to load (configuration error): fixture-failload: setting \"Target\" is required");
    assertState(byFile(m, "failing-start.so"), PluginState::StartFailed,
                kFixtureDir + "/failing-start.so: \"fixture-failstart\" 1.0.0 failed to start (i/o error): cannot open /dev/fixture: Permission denied");

    // The good ones run, and talk to each other and to the node.
    assertState(byFile(m, "good.so"), PluginState::Started, "");
    assertState(byFile(m, "dependent.so"), PluginState::Started, "");
    assertState(byFile(m, "sigil.so"), PluginState::Started, "");
    auto* echo = registry_->get<fixture_echo_service>(FIXTURE_ECHO_SERVICE_ID);
    CPPUNIT_ASSERT(echo != nullptr);
    CPPUNIT_ASSERT_EQUAL(std::string("fixture-good"), registry_->find(FIXTURE_ECHO_SERVICE_ID)->provider);
    CPPUNIT_ASSERT_EQUAL(42, echo->add(echo->ctx, 40, 2));
    CPPUNIT_ASSERT_EQUAL(std::string("hi"), std::string(echo->greeting(echo->ctx)));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(4321), echo->node_mtu(echo->ctx));
    CPPUNIT_ASSERT(registry_->get<rtk_sigil_service>(RTK_SIGIL_SERVICE_ID) != nullptr);
    CPPUNIT_ASSERT_MESSAGE(log_->dump(), log_->find("info fixture-good: echo: hi from 200:abcd::1, mtu 4321") >= 0);
    CPPUNIT_ASSERT_MESSAGE(log_->dump(), log_->find("info fixture-dependent: 2 + 3 = 5 via fixture.echo/1, greeting \"hi\"") >= 0);

    // Reverse order on the way down: the dependent stops before its provider.
    m.stop(RTK_PLUGIN_COMPONENT);
    m.unload(RTK_PLUGIN_COMPONENT);
    m.stop(RTK_PLUGIN_SIGIL);
    m.unload(RTK_PLUGIN_SIGIL);
    long dependentStop = log_->find("stopping fixture-dependent"), goodStop = log_->find("stopping fixture-good");
    CPPUNIT_ASSERT(dependentStop >= 0 && goodStop > dependentStop);
    CPPUNIT_ASSERT(log_->find("info fixture-good: echo: stopped") > goodStop);
    CPPUNIT_ASSERT(log_->find("stopping fixture-sigil") > goodStop);
    CPPUNIT_ASSERT(byFile(m, "good.so").state() == PluginState::Stopped);
    CPPUNIT_ASSERT(byFile(m, "failing-start.so").state() == PluginState::StartFailed);
  }

  void enabledNameWithoutPluginFailsListingAvailable() {
    manager_->discover({kFixtureDir});
    try {
      manager_->select({"fixture-good", "fixture-nope"}, {}, kHostServices, "test.conf");
      CPPUNIT_FAIL("accepted an enabled name no plugin has");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::Config);
      CPPUNIT_ASSERT_EQUAL("test.conf: Plugins.Enabled: no plugin named \"fixture-nope\" was found in " + kFixtureDir +
                               " — available: fixture-cycle-a, fixture-cycle-b, fixture-dependent, fixture-failload, "
                               "fixture-failstart, fixture-good, fixture-lonely, fixture-sigil",
                           std::string(e.what()));
    }
  }

  void badSettingsRefuseBeforeAnyPluginCode() {
    manager_->discover({kFixtureDir});
    manager_->select({"fixture-good", "fixture-dependent"}, {{"fixture-good", json::Value::parse(R"({"Greeting":5})")}}, kHostServices,
                     "test.conf");
    assertState(byFile(*manager_, "good.so"), PluginState::Refused,
                kFixtureDir + "/good.so: \"fixture-good\" settings rejected: test.conf: Modules.fixture-good.Greeting: expected string, got integer 5");
    assertState(byFile(*manager_, "dependent.so"), PluginState::Refused,
                kFixtureDir + "/dependent.so: \"fixture-dependent\" requires \"fixture.echo/1\", whose provider \"fixture-good\" was refused");
    CPPUNIT_ASSERT(manager_->order().empty());
  }

  void notEnabledStaysDisabled() {
    manager_->discover({kFixtureDir});
    manager_->select({"fixture-good"}, {}, kHostServices, "test.conf");
    assertState(byFile(*manager_, "dependent.so"), PluginState::Disabled,
                kFixtureDir + "/dependent.so: \"fixture-dependent\" is not listed in Plugins.Enabled");
    core_->registerIn(*registry_);
    manager_->setScopeFactory(core_->scopeFactory());
    manager_->load(RTK_PLUGIN_COMPONENT);
    manager_->start(RTK_PLUGIN_COMPONENT);
    CPPUNIT_ASSERT(byFile(*manager_, "good.so").state() == PluginState::Started);
    CPPUNIT_ASSERT_MESSAGE("the default setting applies",
                           std::string(registry_->get<fixture_echo_service>(FIXTURE_ECHO_SERVICE_ID)->greeting(
                               registry_->get<fixture_echo_service>(FIXTURE_ECHO_SERVICE_ID)->ctx)) == "hello");
    CPPUNIT_ASSERT(byFile(*manager_, "dependent.so").state() == PluginState::Disabled);
    // The manager's destructor (tearDown) stops and unloads it.
  }

 private:
  std::unique_ptr<test::TestLog> log_;
  std::unique_ptr<ServiceRegistry> registry_;
  std::unique_ptr<PluginManager> manager_;
  std::shared_ptr<test::FakeNode> fake_;
  std::unique_ptr<CoreServices> core_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PluginManagerTest);

}  // namespace rtk::host
