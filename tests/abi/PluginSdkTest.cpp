// The SDK's C++ layer (plugin.hpp, sigil.hpp) driven through the C
// descriptor, in process: exceptions become statuses and last_error, the
// Host wrapper exposes name, config, log and services.
#include <cppunit/extensions/HelperMacros.h>

#include <stdexcept>

#include "TestLog.hpp"
#include "ratatoskr/sigil.hpp"
#include "runtime/HostApiTable.hpp"

namespace rtk::host {
namespace {

struct Probe {
  static inline std::string mode;  // what the next instance should do
  static inline int destroyed = 0;
};

class ProbePlugin final : public sdk::Plugin {
 public:
  static constexpr sdk::PluginInfo info{.name = "probe",
                                        .version = "0.0.1",
                                        .description = "probe",
                                        .providedServices = {"probe.svc/1"},
                                        .requiredServices = {"missing.svc/1"},
                                        .configSchema = "{}"};
  explicit ProbePlugin(sdk::Host& host) {
    if (Probe::mode == "throw-rtk") throw Error(Errc::AlreadyExists, "probe: already there");
    if (Probe::mode == "throw-std") throw std::runtime_error("probe: std failure");
    if (Probe::mode == "throw-int") throw 42;
    if (Probe::mode == "need-service") host.requireService<Svc>("missing.svc/1");
    value_ = host.config().get("Value").asInt64();
    host.log().child("sub").info("loaded with ", value_);
  }
  ~ProbePlugin() override { ++Probe::destroyed; }
  void start() override {
    if (Probe::mode == "start-fails") throw Error(Errc::Refused, "probe: start refused");
  }
  const void* service(std::string_view id) override { return id == "probe.svc/1" ? &svc_ : nullptr; }

  struct Svc {
    std::uint32_t struct_size = sizeof(Svc);
  };

 private:
  std::int64_t value_ = 0;
  Svc svc_;
};

class ProbeSigil final : public sdk::Sigil {
 public:
  static constexpr sdk::PluginInfo info{.name = "probe-sigil",
                                        .version = "1.0.0",
                                        .kind = sdk::PluginKind::Sigil,
                                        .providedServices = {RTK_SIGIL_SERVICE_ID}};
  explicit ProbeSigil(sdk::Host& host) : Sigil(host, "probe", {"probe", "probe2"}) {}
  json::Value params() const override { return json::Value::parse(R"({"probe":{"n":1}})"); }
  bool match(const json::Value& info) const override {
    if (info.contains("boom")) throw std::runtime_error("match exploded");
    return info.get("probe").get("n").isInteger();
  }
};

}  // namespace

class PluginSdkTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PluginSdkTest);
  CPPUNIT_TEST(descriptorComesFromInfo);
  CPPUNIT_TEST(lifecycleThroughTheDescriptor);
  CPPUNIT_TEST(exceptionsBecomeStatusAndLastError);
  CPPUNIT_TEST(sigilTableWorks);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    log_ = std::make_unique<test::TestLog>();
    Probe::mode.clear();
  }

  void descriptorComesFromInfo() {
    const rtk_plugin_descriptor* d = sdk::detail::descriptorFor<ProbePlugin>();
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(sizeof(rtk_plugin_descriptor)), d->struct_size);
    CPPUNIT_ASSERT_EQUAL(int(RTK_ABI_MAJOR), int(d->abi_major));
    CPPUNIT_ASSERT_EQUAL(std::string("probe"), std::string(d->name));
    CPPUNIT_ASSERT_EQUAL(std::string("probe.svc/1"), std::string(d->provided_services[0]));
    CPPUNIT_ASSERT(d->provided_services[1] == nullptr);
    CPPUNIT_ASSERT_EQUAL(std::string("missing.svc/1"), std::string(d->required_services[0]));
    CPPUNIT_ASSERT_EQUAL(int(RTK_PLUGIN_COMPONENT), int(d->kind));
    const rtk_plugin_descriptor* s = sdk::detail::descriptorFor<ProbeSigil>();
    CPPUNIT_ASSERT_EQUAL(int(RTK_PLUGIN_SIGIL), int(s->kind));
    CPPUNIT_ASSERT(s->required_services == nullptr);
    CPPUNIT_ASSERT(s->config_schema == nullptr);
  }

  void lifecycleThroughTheDescriptor() {
    ServiceRegistry registry;
    HostApiTable api("probe", R"({"Value": 9})", "0.1.0", {"missing.svc/1", "probe.svc/1"}, registry, log_->log("probe"));
    const rtk_plugin_descriptor* d = sdk::detail::descriptorFor<ProbePlugin>();
    rtk_plugin_state* state = nullptr;
    CPPUNIT_ASSERT_EQUAL(int(RTK_OK), int(d->load(api.api(), &state)));
    CPPUNIT_ASSERT(state != nullptr);
    CPPUNIT_ASSERT_MESSAGE(log_->dump(), log_->find("info probe: sub: loaded with 9") >= 0);
    auto* svc = static_cast<const ProbePlugin::Svc*>(d->get_service(state, sdk::toStr("probe.svc/1")));
    CPPUNIT_ASSERT(svc && svc->struct_size == sizeof(ProbePlugin::Svc));
    CPPUNIT_ASSERT(d->get_service(state, sdk::toStr("other/1")) == nullptr);
    CPPUNIT_ASSERT_EQUAL(int(RTK_OK), int(d->start(state)));
    CPPUNIT_ASSERT_EQUAL(int(RTK_OK), int(d->stop(state)));
    int before = Probe::destroyed;
    d->unload(state);
    CPPUNIT_ASSERT_EQUAL(before + 1, Probe::destroyed);
  }

  void exceptionsBecomeStatusAndLastError() {
    ServiceRegistry registry;
    HostApiTable api("probe", "{}", "0.1.0", {"missing.svc/1"}, registry, log_->log("probe"));
    const rtk_plugin_descriptor* d = sdk::detail::descriptorFor<ProbePlugin>();
    struct Case {
      const char* mode;
      rtk_status status;
      const char* message;
    } cases[] = {
        {"throw-rtk", RTK_ERR_ALREADY_EXISTS, "probe: already there"},
        {"throw-std", RTK_ERR_UNKNOWN, "probe: std failure"},
        {"throw-int", RTK_ERR_UNKNOWN, "unknown exception (not derived from std::exception)"},
        {"need-service", RTK_ERR_NOT_FOUND, "probe: service \"missing.svc/1\" (at least 4 bytes) is not available"},
    };
    for (const auto& c : cases) {
      Probe::mode = c.mode;
      rtk_plugin_state* state = nullptr;
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.mode, int(c.status), int(d->load(api.api(), &state)));
      CPPUNIT_ASSERT_MESSAGE("a state to read the error from", state != nullptr);
      CPPUNIT_ASSERT_EQUAL(std::string(c.message), std::string(d->last_error(state)));
      d->unload(state);
    }
    Probe::mode = "start-fails";
    rtk_plugin_state* state = nullptr;
    HostApiTable api2("probe", R"({"Value":1})", "0.1.0", {}, registry, log_->log("probe"));
    CPPUNIT_ASSERT_EQUAL(int(RTK_OK), int(d->load(api2.api(), &state)));
    CPPUNIT_ASSERT_EQUAL(int(RTK_ERR_REFUSED), int(d->start(state)));
    CPPUNIT_ASSERT_EQUAL(std::string("probe: start refused"), std::string(d->last_error(state)));
    d->unload(state);
  }

  void sigilTableWorks() {
    ServiceRegistry registry;
    HostApiTable api("probe-sigil", "{}", "0.1.0", {RTK_SIGIL_SERVICE_ID}, registry, log_->log("probe-sigil"));
    const rtk_plugin_descriptor* d = sdk::detail::descriptorFor<ProbeSigil>();
    rtk_plugin_state* state = nullptr;
    CPPUNIT_ASSERT_EQUAL(int(RTK_OK), int(d->load(api.api(), &state)));
    auto* t = static_cast<const rtk_sigil_service*>(d->get_service(state, sdk::toStr(RTK_SIGIL_SERVICE_ID)));
    CPPUNIT_ASSERT(t && t->struct_size >= RTK_SIGIL_SERVICE_SIZE_1_0);
    CPPUNIT_ASSERT_EQUAL(std::string("probe"), std::string(t->name));
    CPPUNIT_ASSERT_EQUAL(std::string("probe2"), std::string(t->keys[1]));
    CPPUNIT_ASSERT(t->keys[2] == nullptr);
    sdk::StringSink json, err;
    CPPUNIT_ASSERT_EQUAL(int(RTK_OK), int(t->params(t->ctx, json.get(), err.get())));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"probe":{"n":1}})"), json.str());
    CPPUNIT_ASSERT_EQUAL(1, int(t->match(t->ctx, sdk::toStr(R"({"probe":{"n":5},"other":1})"))));
    CPPUNIT_ASSERT_EQUAL(0, int(t->match(t->ctx, sdk::toStr(R"({"probe":{"n":"x"}})"))));
    CPPUNIT_ASSERT_EQUAL(0, int(t->match(t->ctx, sdk::toStr("not json"))));
    CPPUNIT_ASSERT_EQUAL(0, int(t->match(t->ctx, sdk::toStr(R"({"boom":1})"))));
    sdk::StringSink fragment, err2;
    CPPUNIT_ASSERT_EQUAL(int(RTK_OK), int(t->parse(t->ctx, sdk::toStr(R"({"probe":{"n":5},"probe2":2,"x":3})"), fragment.get(), err2.get())));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"probe":{"n":5},"probe2":2})"), fragment.str());
    sdk::StringSink f3, err3;
    CPPUNIT_ASSERT_EQUAL(int(RTK_ERR_INVALID_ARGUMENT), int(t->parse(t->ctx, sdk::toStr(R"({"x":1})"), f3.get(), err3.get())));
    CPPUNIT_ASSERT_EQUAL(std::string("sigil \"probe\": NodeInfo holds no valid fragment"), err3.str());
    d->unload(state);
  }

 private:
  std::unique_ptr<test::TestLog> log_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PluginSdkTest);

}  // namespace rtk::host
