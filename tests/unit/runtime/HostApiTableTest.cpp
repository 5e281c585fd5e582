#include <cppunit/extensions/HelperMacros.h>

#include <mutex>

#include "ratatoskr/abi.hpp"
#include "runtime/HostApiTable.hpp"

namespace rtk::host {
namespace {

struct Svc {
  std::uint32_t struct_size = sizeof(Svc);
  int value = 7;
};

}  // namespace

class HostApiTableTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HostApiTableTest);
  CPPUNIT_TEST(describesThePlugin);
  CPPUNIT_TEST(logsUnderThePluginName);
  CPPUNIT_TEST(servesOnlyDeclaredServices);
  CPPUNIT_TEST(enumeratesEveryProviderOfADeclaredService);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    lines_.clear();
    logger_ = std::make_shared<Logger>(
        [this](LogLevel l, std::string_view sub, std::string_view msg) {
          std::lock_guard lock(mutex_);
          lines_.push_back(std::string(logLevelName(l)) + " " + std::string(sub) + ": " + std::string(msg));
        },
        LogLevel::Debug);
  }

  void describesThePlugin() {
    ServiceRegistry registry;
    HostApiTable t("demo", "{\"a\":1}", "0.1.0", {}, registry, Log(logger_, "demo"));
    const rtk_host_api* api = t.api();
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(sizeof(rtk_host_api)), api->struct_size);
    CPPUNIT_ASSERT_EQUAL(int(RTK_ABI_MAJOR), int(api->abi_major));
    CPPUNIT_ASSERT_EQUAL(std::string("demo"), std::string(api->plugin_name));
    CPPUNIT_ASSERT_EQUAL(std::string("0.1.0"), std::string(api->host_version));
    CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":1}"), std::string(sdk::fromStr(api->config_json)));
    CPPUNIT_ASSERT_EQUAL(int(RTK_LOG_DEBUG), int(api->log_level(api->ctx)));
  }

  void logsUnderThePluginName() {
    ServiceRegistry registry;
    HostApiTable t("demo", "{}", "0.1.0", {}, registry, Log(logger_, "demo"));
    const rtk_host_api* api = t.api();
    api->log(api->ctx, RTK_LOG_WARN, sdk::toStr("disk almost full"));
    api->log(api->ctx, RTK_LOG_TRACE, sdk::toStr("below the level"));
    api->log(api->ctx, 99, sdk::toStr("bogus level is dropped"));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), lines_.size());
    CPPUNIT_ASSERT_EQUAL(std::string("warn demo: disk almost full"), lines_[0]);
  }

  void servesOnlyDeclaredServices() {
    ServiceRegistry registry;
    Svc svc, other;
    registry.add("svc/1", "provider", &svc);
    registry.add("other/1", "provider", &other);
    HostApiTable t("demo", "{}", "0.1.0", {"svc/1"}, registry, Log(logger_, "demo"));
    const rtk_host_api* api = t.api();
    CPPUNIT_ASSERT(api->get_service(api->ctx, sdk::toStr("svc/1"), sizeof(Svc)) == &svc);
    CPPUNIT_ASSERT(api->get_service(api->ctx, sdk::toStr("svc/1"), sizeof(Svc) + 4) == nullptr);
    CPPUNIT_ASSERT(api->get_service(api->ctx, sdk::toStr("other/1"), 4) == nullptr);
    bool warned = false;
    for (const auto& l : lines_) warned = warned || l.find("\"other/1\", which it does not declare as required") != std::string::npos;
    CPPUNIT_ASSERT(warned);
  }

  void enumeratesEveryProviderOfADeclaredService() {
    ServiceRegistry registry;
    Svc a, b, small;
    registry.add("ratatoskr.sigil/1", "info", &a);
    registry.add("ratatoskr.sigil/1", "public", &b);
    small.struct_size = 4;
    registry.add("ratatoskr.sigil/1", "old", &small);
    HostApiTable t("ninfo", "{}", "0.1.0", {"ratatoskr.sigil/1"}, registry, Log(logger_, "ninfo"));
    const rtk_host_api* api = t.api();
    std::vector<std::pair<std::string, const void*>> seen;
    auto visit = [](void* ctx, const char* provider, const void* table) {
      static_cast<decltype(seen)*>(ctx)->emplace_back(provider, table);
    };
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), api->each_service(api->ctx, sdk::toStr("ratatoskr.sigil/1"), sizeof(Svc), &seen, visit));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), seen.size());
    CPPUNIT_ASSERT_EQUAL(std::string("info"), seen[0].first);
    CPPUNIT_ASSERT(seen[0].second == &a && seen[1].second == &b);
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), api->each_service(api->ctx, sdk::toStr("ratatoskr.sigil/1"), 4, &seen, visit));
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), api->each_service(api->ctx, sdk::toStr("other/1"), 4, &seen, visit));
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> lines_;
  std::shared_ptr<Logger> logger_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(HostApiTableTest);

}  // namespace rtk::host
