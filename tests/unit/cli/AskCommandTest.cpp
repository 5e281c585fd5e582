#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/AdminClient.hpp"
#include "cli/AskCommand.hpp"
#include "cli/GoJson.hpp"
#include "common/TempDir.hpp"
#include "core/admin/AdminServer.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/ninfo.hpp"

using rtk::Errc;
using rtk::Error;
using rtk::host::cli::AdminClient;
using rtk::host::cli::askMain;

namespace {

const char* kResult =
    R"({"target":"200:8160:1995:d9d6:eb7a:c01f:2c:7f02","key":"bf4ff33513148a429ff07fe9c07ee86f10bd5fdfad8ea8016c4b697f286f04b9",)"
    R"("rtt_ms":1.5,"version":"v0.1.0","software":{"name":"yggdrasil","version":"0.5.12","platform":"linux","arch":"amd64"},)"
    R"("sigils":{"info":{"name":"a<b>&c","type":"router"}},"extra":{"motd":"h\u00e9llo \u2028","n":[1,2.25,true,null,{}]}})";

struct Run {
  int status = -1;
  std::string out, err;
};

Run ask(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  Run r;
  r.status = askMain(args, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::string shell(const std::string& command) {
  std::string out;
  FILE* f = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (!f) return out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  ::pclose(f);
  return out;
}

}  // namespace

// `ratatoskr ask` against a real admin server (rtk_admin) whose `ask`
// command answers like the ninfo plugin's.
class AskCommandTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AskCommandTest);
  CPPUNIT_TEST(printsTheTextForm);
  CPPUNIT_TEST(jsonIsWhatYggdrasilctlPrints);
  CPPUNIT_TEST(sendsTargetAndTimeoutAsYggdrasilctlWould);
  CPPUNIT_TEST(askErrorsExitOneWithTheNodesMessage);
  CPPUNIT_TEST(tcpEndpointsWork);
  CPPUNIT_TEST(unreachableOrPluginlessHostsExit69);
  CPPUNIT_TEST(endpointComesFromTheConf);
  CPPUNIT_TEST(usageErrorsExit64);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    dir_ = std::make_unique<rtk::test::TempDir>("rtk-cli");
    server_ = std::make_unique<rtk::core::admin::AdminServer>(rtk::Log());
    server_->addHandler("ask", "test ask", {"target", "timeout"}, [this](std::string_view args) {
      lastArgs_ = std::string(args);
      auto v = rtk::json::Value::parse(args);
      if (v.get("target").asString() == "fail") throw Error(Errc::NotFound, "ninfo: cannot resolve 200::1: no node with this address found in 3000 ms (4 lookup(s) sent)");
      return std::string(kResult);
    });
    endpoint_ = "unix://" + dir_->file("admin.sock");
    server_->start(endpoint_);
  }
  void tearDown() override {
    server_->stop();
    server_.reset();
    dir_.reset();
  }

  void printsTheTextForm() {
    Run r = ask({"200:8160:1995:d9d6:eb7a:c01f:2c:7f02", "--admin", endpoint_});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
    CPPUNIT_ASSERT_EQUAL(rtk::ninfo::formatText(rtk::ninfo::askResultFromJson(rtk::json::Value::parse(kResult))), r.out);
    CPPUNIT_ASSERT_MESSAGE(r.out, r.out.find("RTT:      1.50 ms\n") != std::string::npos);
  }

  void jsonIsWhatYggdrasilctlPrints() {
    Run r = ask({"--json", "200:8160:1995:d9d6:eb7a:c01f:2c:7f02", "--admin", endpoint_});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
    const std::string real = shell("yggdrasilctl -json -endpoint=" + endpoint_ + " ask target=200:8160:1995:d9d6:eb7a:c01f:2c:7f02");
    CPPUNIT_ASSERT_MESSAGE("yggdrasilctl printed nothing", !real.empty());
    CPPUNIT_ASSERT_EQUAL(real, r.out);
  }

  void sendsTargetAndTimeoutAsYggdrasilctlWould() {
    ask({"[200::1]:80", "--timeout", "2500", "--admin", endpoint_});
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"target":"[200::1]:80","timeout":"2500"})"), lastArgs_);
    shell("yggdrasilctl -endpoint=" + endpoint_ + " ask target=[200::1]:80 timeout=2500");
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"target":"[200::1]:80","timeout":"2500"})"), lastArgs_);
  }

  void askErrorsExitOneWithTheNodesMessage() {
    Run r = ask({"fail", "--admin", endpoint_});
    CPPUNIT_ASSERT_EQUAL(1, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string(), r.out);
    CPPUNIT_ASSERT_EQUAL(std::string("ratatoskr ask: ninfo: cannot resolve 200::1: no node with this address found in 3000 ms (4 lookup(s) sent)\n"), r.err);
  }

  void tcpEndpointsWork() {
    rtk::core::admin::AdminServer tcp{rtk::Log()};
    tcp.addHandler("ask", "", {}, [](std::string_view) { return std::string(kResult); });
    tcp.start("tcp://127.0.0.1:0");
    const std::string bound = tcp.boundAddress();
    CPPUNIT_ASSERT_EQUAL(0, ask({"x", "--admin", bound}).status);
    CPPUNIT_ASSERT_EQUAL(0, ask({"x", "--admin", bound.substr(6)}).status);  // bare host:port
    auto response = AdminClient(bound, std::chrono::seconds(5)).call("ask", rtk::json::Value::object());
    CPPUNIT_ASSERT_EQUAL(std::string("v0.1.0"), response.get("version").asString());
    tcp.stop();
  }

  void unreachableOrPluginlessHostsExit69() {
    Run gone = ask({"x", "--admin", "unix://" + dir_->file("nobody.sock")});
    CPPUNIT_ASSERT_EQUAL(69, gone.status);
    CPPUNIT_ASSERT_MESSAGE(gone.err, gone.err.find("nobody.sock: No such file or directory") != std::string::npos);
    rtk::core::admin::AdminServer bare{rtk::Log()};
    const std::string bareEndpoint = "unix://" + dir_->file("bare.sock");
    bare.start(bareEndpoint);
    Run pluginless = ask({"x", "--admin", bareEndpoint});
    CPPUNIT_ASSERT_EQUAL(69, pluginless.status);
    CPPUNIT_ASSERT_MESSAGE(pluginless.err, pluginless.err.find("is the ninfo plugin enabled") != std::string::npos);
    bare.stop();
    try {
      AdminClient("unix://" + dir_->file("nobody.sock"), std::chrono::seconds(1)).call("ask", {});
      CPPUNIT_FAIL("connected to nothing");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::Io);
    }
  }

  void endpointComesFromTheConf() {
    const auto conf = dir_->file("r.conf");
    std::ofstream(conf) << "// a conf\n{\"AdminListen\": \"" << endpoint_ << "\"}\n";
    CPPUNIT_ASSERT_EQUAL(0, ask({"x", "--config", conf}).status);
    const auto none = dir_->file("none.conf");
    std::ofstream(none) << "{\"AdminListen\": \"none\"}\n";
    Run r = ask({"x", "--config", none});
    CPPUNIT_ASSERT_EQUAL(78, r.status);
    CPPUNIT_ASSERT_MESSAGE(r.err, r.err.find("AdminListen is \"none\"") != std::string::npos);
  }

  void usageErrorsExit64() {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {}, {"--json"}, {"a", "b"}, {"a", "--timeout"}, {"a", "--timeout", "soon"}, {"a", "--frobnicate"}}) {
      Run r = ask(args);
      CPPUNIT_ASSERT_EQUAL(64, r.status);
      CPPUNIT_ASSERT_MESSAGE(r.err, r.err.find("usage: ratatoskr ask TARGET") != std::string::npos);
    }
    CPPUNIT_ASSERT_EQUAL(64, ask({"a", "--admin", "http://x:1"}).status);
  }

 private:
  std::unique_ptr<rtk::test::TempDir> dir_;
  std::unique_ptr<rtk::core::admin::AdminServer> server_;
  std::string endpoint_;
  std::string lastArgs_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(AskCommandTest);
