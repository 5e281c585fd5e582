// Out of tree, as a plugin author works: install the SDK component of this
// build to a temporary prefix, configure and build examples/custom-module
// and examples/custom-sigil there with find_package(ratatoskr), then load
// the resulting .so files into the runtime against a fake node. Then build
// custom-module once more with nothing but pkg-config and a compiler, and
// run the host program with that and the sigil until SIGINT.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/FakeNode.hpp"
#include "ratatoskr/sigil.h"
#include "ratatoskr/address.hpp"
#include "runtime/CoreServices.hpp"
#include "runtime/HostRuntime.hpp"
#include "runtime/PluginManager.hpp"
#include "runtime/SigilAssembler.hpp"

namespace fs = std::filesystem;

namespace rtk::host {
namespace {

const fs::path kWork = RTK_WORK_DIR;

std::string quote(const std::string& s) { return "'" + s + "'"; }

// Runs a command, its output going to a log file; on failure the assertion
// message carries that output.
void run(const std::string& what, const std::string& command) {
  fs::path logFile = kWork / "command.log";
  int rc = std::system((command + " >" + quote(logFile.string()) + " 2>&1").c_str());
  if (rc != 0) {
    std::ifstream in(logFile);
    std::stringstream out;
    out << in.rdbuf();
    CPPUNIT_FAIL(what + " failed (status " + std::to_string(rc) + "): " + command + "\n" + out.str());
  }
}

fs::path buildExample(const std::string& name, const fs::path& prefix) {
  fs::path build = kWork / ("build-" + name);
  std::string cmake = quote(RTK_CMAKE_COMMAND);
  std::string configure = cmake + " -S " + quote(std::string(RTK_EXAMPLES_DIR) + "/" + name) + " -B " + quote(build.string()) +
                          " -DCMAKE_PREFIX_PATH=" + quote(prefix.string()) + " -DCMAKE_BUILD_TYPE=Release" +
                          " -DCMAKE_CXX_COMPILER=" + quote(RTK_CXX_COMPILER);
  if (std::string(RTK_CXX_LAUNCHER).size()) configure += " -DCMAKE_CXX_COMPILER_LAUNCHER=" + quote(RTK_CXX_LAUNCHER);
  run("configuring " + name, configure);
  run("building " + name, cmake + " --build " + quote(build.string()));
  return build;
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// custom-module built by hand: flags from the installed ratatoskr-sdk.pc.
fs::path buildWithPkgConfig(const fs::path& prefix) {
  fs::path out = kWork / "pkg-config";
  fs::create_directories(out);
  std::string pc = "PKG_CONFIG_PATH=" + quote((prefix / "lib/pkgconfig").string()) + " pkg-config ";
  std::string compile = std::string(RTK_CXX_COMPILER) + " -std=c++20 -shared -fPIC -fvisibility=hidden" +
                        " -Wl,-z,defs -Wl,-z,now $(" + pc + "--cflags ratatoskr-sdk) " +
                        quote(std::string(RTK_EXAMPLES_DIR) + "/custom-module/HelloModule.cpp") + " $(" + pc +
                        "--libs ratatoskr-sdk) -o " + quote((out / "hello-module.so").string());
  run("building custom-module with pkg-config", compile);
  return out;
}

}  // namespace

class OutOfTreeTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(OutOfTreeTest);
  CPPUNIT_TEST(installedSdkBuildsLoadablePlugins);
  CPPUNIT_TEST_SUITE_END();

 public:
  void installedSdkBuildsLoadablePlugins() {
    fs::remove_all(kWork);
    fs::create_directories(kWork);
    fs::path prefix = kWork / "prefix";
    run("installing the SDK", quote(RTK_CMAKE_COMMAND) + " --install " + quote(RTK_BUILD_DIR) + " --prefix " + quote(prefix.string()) +
                                  " --component sdk");
    CPPUNIT_ASSERT(fs::exists(prefix / "include/ratatoskr/abi.h"));
    CPPUNIT_ASSERT(fs::exists(prefix / "include/ratatoskr/version.h"));
    CPPUNIT_ASSERT(fs::exists(prefix / "lib/cmake/ratatoskr/ratatoskrConfig.cmake"));
    CPPUNIT_ASSERT(fs::exists(prefix / "lib/cmake/ratatoskr/RatatoskrModule.cmake"));
    CPPUNIT_ASSERT(fs::exists(prefix / "lib/pkgconfig/ratatoskr-sdk.pc"));

    fs::path moduleDir = buildExample("custom-module", prefix);
    fs::path sigilDir = buildExample("custom-sigil", prefix);
    CPPUNIT_ASSERT(fs::exists(moduleDir / "hello-module.so"));
    CPPUNIT_ASSERT(fs::exists(sigilDir / "motd-sigil.so"));

    // Load both into the runtime, as the host would.
    std::vector<std::string> lines;
    std::mutex mutex;
    auto logger = std::make_shared<Logger>(
        [&](LogLevel l, std::string_view sub, std::string_view msg) {
          std::lock_guard lock(mutex);
          lines.push_back(std::string(logLevelName(l)) + " " + std::string(sub) + ": " + std::string(msg));
        },
        LogLevel::Debug);
    auto fake = std::make_shared<test::FakeNode>();
    fake->keyValue = *PublicKey::fromHex("8c9b7c6e1e0b2c3d4f5a69788796a5b4c3d2e1f00112233445566778899aabbc");
    const std::string addressText = formatAddress(address::addressForKey(fake->keyValue));
    const std::string pkName = fake->keyValue.hex() + ".pk.ygg";
    ServiceRegistry registry;
    CoreServices core(fake, "{}", {}, logger);
    std::map<std::string, std::string> coreIds;
    for (const auto& id : HostRuntime::coreServices()) coreIds[id] = "core";
    {
      PluginManager manager(registry, Log(logger, "plugins"), "0.1.0");
      manager.discover({moduleDir.string(), sigilDir.string()});
      manager.select({"hello-module", "motd-sigil"},
                     {{"hello-module", json::Value::parse(R"({"Greeting":"hej"})")},
                      {"motd-sigil", json::Value::parse(R"({"Text":"welcome"})")}},
                     coreIds, "test.conf");
      manager.load(RTK_PLUGIN_SIGIL);
      manager.start(RTK_PLUGIN_SIGIL);
      core.registerIn(registry);
      manager.setScopeFactory(core.scopeFactory());
      manager.load(RTK_PLUGIN_COMPONENT);
      manager.start(RTK_PLUGIN_COMPONENT);

      const Plugin* module = manager.find("hello-module");
      const Plugin* sigil = manager.find("motd-sigil");
      CPPUNIT_ASSERT(module && sigil);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(module->reason(), std::string("started"), std::string(pluginStateName(module->state())));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(sigil->reason(), std::string("started"), std::string(pluginStateName(sigil->state())));
      bool greeted = false;
      const std::string greeting = "info hello-module: hej from " + addressText + " (" + pkName + "), 1 sigil(s) enabled";
      for (const auto& l : lines) greeted = greeted || l == greeting;
      CPPUNIT_ASSERT_MESSAGE("no line: " + greeting, greeted);
      // Its admin command reached the node and answers.
      // It used the address header, the optional sigil service (every
      // provider) and the admin service.
      CPPUNIT_ASSERT_EQUAL(R"({"greeting":"hej","name":")" + pkName + R"(","address":")" + addressText + R"(","sigils":["motd"]})",
                           fake->adminHandlers().at("hello")("{}"));

      SigilAssembler::Options options;
      options.hostVersion = "0.1.0";
      auto assembly = SigilAssembler::assemble({SigilSource{"motd-sigil", registry.get<rtk_sigil_service>(RTK_SIGIL_SERVICE_ID)}}, options);
      CPPUNIT_ASSERT_EQUAL(std::string(R"({"motd":{"text":"welcome","lang":"en"},"ratatoskr":"[motd] v0.1.0"})"), assembly.nodeInfo);

      manager.stop(RTK_PLUGIN_COMPONENT);
      manager.unload(RTK_PLUGIN_COMPONENT);
      manager.stop(RTK_PLUGIN_SIGIL);
      manager.unload(RTK_PLUGIN_SIGIL);
    }
    fake->close();

    // The host program: the pkg-config build of the module plus the sigil.
    fs::path pcDir = buildWithPkgConfig(prefix);
    CPPUNIT_ASSERT(fs::exists(pcDir / "hello-module.so"));
    fs::path conf = kWork / "host.conf";
    json::Value confJson = json::Value::object();
    json::Value& plugins = confJson.set("Plugins", json::Value::object());
    plugins.set("Directories", json::Value::array()).push(pcDir.string());
    plugins.find("Directories")->push(sigilDir.string());
    json::Value& enabled = plugins.set("Enabled", json::Value::array());
    enabled.push("hello-module");
    enabled.push("motd-sigil");
    confJson.set("Modules", json::Value::parse(R"({"hello-module":{"Greeting":"hej"},"motd-sigil":{"Text":"welcome"}})"));
    std::ofstream(conf) << confJson.dump(2) << "\n";
    fs::path hostLog = kWork / "host.log";
    int rc = std::system(("sh " + quote(RTK_RUN_UNTIL_READY) + " INT " + quote(hostLog.string()) + " " + quote(RTK_HOST_BINARY) +
                          " --config " + quote(conf.string()))
                             .c_str());
    std::string log = readFile(hostLog);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(log, 0, rc);
    CPPUNIT_ASSERT_MESSAGE(log, log.find("loaded hello-module 1.0.0 (component) from " + (pcDir / "hello-module.so").string()) != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(log, log.find("info hello-module: hej from 2") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(log, log.find("started motd-sigil") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(log, log.find("stopping hello-module") != std::string::npos);
    fs::remove_all(kWork);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OutOfTreeTest);

}  // namespace rtk::host
