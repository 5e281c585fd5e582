// Descriptor checks without a .so: PluginLoader::inspect on descriptors in
// memory. The same refusals through real files are in tests/abi.
#include <cppunit/extensions/HelperMacros.h>

#include "ratatoskr/error.hpp"
#include "ratatoskr/sigil.h"
#include "runtime/PluginLoader.hpp"

namespace rtk::host {
namespace {

rtk_status okLoad(const rtk_host_api*, rtk_plugin_state**) { return RTK_OK; }
rtk_status okStart(rtk_plugin_state*) { return RTK_OK; }
void okUnload(rtk_plugin_state*) {}
const char* noError(rtk_plugin_state*) { return ""; }
const void* noService(rtk_plugin_state*, rtk_str) { return nullptr; }

const char* const kNode[] = {"ratatoskr.network/1", nullptr};
const char* const kSigil[] = {RTK_SIGIL_SERVICE_ID, nullptr};
const char* const kBadId[] = {"Not An Id", nullptr};

rtk_plugin_descriptor good() {
  rtk_plugin_descriptor d{};
  d.struct_size = sizeof d;
  d.abi_major = RTK_ABI_MAJOR;
  d.abi_minor = RTK_ABI_MINOR;
  d.name = "demo";
  d.version = "1.2.3";
  d.description = "a demo";
  d.kind = RTK_PLUGIN_COMPONENT;
  d.required_services = kNode;
  d.config_schema = "{}";
  d.load = okLoad;
  d.start = okStart;
  d.stop = okStart;
  d.unload = okUnload;
  d.last_error = noError;
  d.get_service = noService;
  return d;
}

std::string refusal(const rtk_plugin_descriptor& d) {
  try {
    PluginLoader::inspect(&d, "plugins/x.so");
  } catch (const Error& e) {
    CPPUNIT_ASSERT(e.code() == Errc::Abi);
    return e.what();
  }
  CPPUNIT_FAIL("descriptor accepted");
  return "";
}

}  // namespace

class PluginLoaderTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PluginLoaderTest);
  CPPUNIT_TEST(acceptsAGoodDescriptor);
  CPPUNIT_TEST(refusesVersions);
  CPPUNIT_TEST(refusesShapes);
  CPPUNIT_TEST(sigilRules);
  CPPUNIT_TEST(names);
  CPPUNIT_TEST_SUITE_END();

 public:
  void acceptsAGoodDescriptor() {
    auto d = good();
    auto info = PluginLoader::inspect(&d, "plugins/x.so");
    CPPUNIT_ASSERT_EQUAL(std::string("demo"), info.name);
    CPPUNIT_ASSERT_EQUAL(std::string("1.2.3"), info.version);
    CPPUNIT_ASSERT((info.requires_ == std::vector<std::string>{"ratatoskr.network/1"}));
    CPPUNIT_ASSERT(info.provides.empty() && info.hasConfigSchema);
  }

  void refusesVersions() {
    auto d = good();
    d.abi_major = RTK_ABI_MAJOR + 1;
    CPPUNIT_ASSERT_EQUAL("plugins/x.so: \"demo\" needs ABI " + std::to_string(RTK_ABI_MAJOR + 1) + "." +
                             std::to_string(RTK_ABI_MINOR) + ", host is 2.0 (major differs) — rebuild against SDK 2.x",
                         refusal(d));
    d = good();
    d.abi_minor = RTK_ABI_MINOR + 3;
    CPPUNIT_ASSERT_EQUAL("plugins/x.so: \"demo\" needs ABI 2." + std::to_string(RTK_ABI_MINOR + 3) +
                             ", host is 2.0 (plugin is newer) — upgrade the host or rebuild against SDK 2.0",
                         refusal(d));
  }

  void refusesShapes() {
    auto d = good();
    d.struct_size = 4;
    CPPUNIT_ASSERT_EQUAL(std::string("plugins/x.so: descriptor is 4 bytes, too small to hold its ABI version and name — not a ratatoskr plugin"),
                         refusal(d));
    d = good();
    d.struct_size = static_cast<std::uint32_t>(RTK_PLUGIN_DESCRIPTOR_HEADER_SIZE + 8);
    CPPUNIT_ASSERT_EQUAL("plugins/x.so: \"demo\" descriptor is " + std::to_string(d.struct_size) + " bytes, ABI 2.0 needs at least " +
                             std::to_string(RTK_PLUGIN_DESCRIPTOR_SIZE_2_0) + " — rebuild against SDK 2.x",
                         refusal(d));
    d = good();
    d.version = "";
    CPPUNIT_ASSERT_EQUAL(std::string("plugins/x.so: \"demo\" has no version"), refusal(d));
    d = good();
    d.kind = 9;
    CPPUNIT_ASSERT_EQUAL(std::string("plugins/x.so: \"demo\" has unknown kind 9 (expected 1, component, or 2, sigil)"), refusal(d));
    d = good();
    d.stop = nullptr;
    CPPUNIT_ASSERT_EQUAL(std::string("plugins/x.so: \"demo\" descriptor has no stop() function"), refusal(d));
    d = good();
    d.provided_services = kBadId;
    CPPUNIT_ASSERT(refusal(d).find("malformed provided service id \"Not An Id\"") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("plugins/x.so: rtk_plugin_entry() returned no descriptor"), [] {
      try {
        PluginLoader::inspect(nullptr, "plugins/x.so");
      } catch (const Error& e) {
        return std::string(e.what());
      }
      return std::string();
    }());
  }

  void sigilRules() {
    auto d = good();
    d.kind = RTK_PLUGIN_SIGIL;
    d.required_services = nullptr;
    CPPUNIT_ASSERT_EQUAL(std::string("plugins/x.so: \"demo\" is a sigil but does not provide \"ratatoskr.sigil/1\""), refusal(d));
    d.provided_services = kSigil;
    d.required_services = kNode;
    CPPUNIT_ASSERT(refusal(d).find("is a sigil but uses \"ratatoskr.network/1\"") != std::string::npos);
    d.required_services = nullptr;
    CPPUNIT_ASSERT_EQUAL(int(RTK_PLUGIN_SIGIL), int(PluginLoader::inspect(&d, "s.so").kind));
    d.kind = RTK_PLUGIN_COMPONENT;
    CPPUNIT_ASSERT_EQUAL(std::string("plugins/x.so: \"demo\" provides \"ratatoskr.sigil/1\" but is not of kind sigil"), refusal(d));
  }

  void names() {
    CPPUNIT_ASSERT(PluginLoader::validName("abc"));
    CPPUNIT_ASSERT(PluginLoader::validName("my.plugin_2-x"));
    CPPUNIT_ASSERT(!PluginLoader::validName("ab"));
    CPPUNIT_ASSERT(!PluginLoader::validName(std::string(33, 'a')));
    CPPUNIT_ASSERT(!PluginLoader::validName("Upper"));
    auto d = good();
    d.name = "Bad Name!";
    CPPUNIT_ASSERT_EQUAL(std::string("plugins/x.so: plugin name \"Bad Name!\" is invalid — it must match ^[a-z0-9._-]{3,32}$"),
                         refusal(d));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PluginLoaderTest);

}  // namespace rtk::host
