// `ratatoskr probe` against a real admin server (rtk_admin) whose probe
// commands answer like the probe plugin's: the arguments it sends, the text,
// JSON and DOT forms, a wrong answer (69), usage errors (64).
#include <cppunit/extensions/HelperMacros.h>

#include <sstream>
#include <string>

#include "cli/ProbeCommand.hpp"
#include "common/TempDir.hpp"
#include "core/admin/AdminServer.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/json.hpp"

using rtk::host::cli::probeMain;

namespace {

const std::string kRoot(64, 'a'), kPeer(64, 'b'), kFar(64, 'c');

std::string crawlJson() {
  return R"({"root":")" + kRoot + R"(","max_depth":2,"concurrency":16,"max_nodes":4096,"truncated":false,"error":"",)"
         R"("elapsed_ms":3.5,"remote_calls":1,"levels":[{"depth":1,"found":1,"total":1,"truncated":false},)"
         R"({"depth":2,"found":1,"total":2,"truncated":false}],"nodes":[{"key":")" + kPeer + R"(","parent":")" + kRoot +
         R"(","depth":1,"rtt_ms":1.25,"queried":true,"unreachable":false,"peers":2},{"key":")" + kFar + R"(","parent":")" +
         kPeer + R"(","depth":2,"rtt_ms":0,"queried":false,"unreachable":true,"peers":0}]})";
}

struct ProbeRun {
  int status = -1;
  std::string out, err;
};

ProbeRun probe(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  ProbeRun r;
  r.status = probeMain(args, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace

class ProbeCommandTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ProbeCommandTest);
  CPPUNIT_TEST(treeTextJsonAndDot);
  CPPUNIT_TEST(traceAndPathSendTheKey);
  CPPUNIT_TEST(aWrongAnswerExits69);
  CPPUNIT_TEST(usageErrorsExit64);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    dir_ = std::make_unique<rtk::test::TempDir>("rtk-cli-probe");
    server_ = std::make_unique<rtk::core::admin::AdminServer>(rtk::Log());
    server_->addHandler("probeTree", "test", {"maxDepth", "concurrency", "maxNodes"}, [this](std::string_view args) {
      lastArgs_ = std::string(args);
      return answer_.empty() ? crawlJson() : answer_;
    });
    server_->addHandler("probePath", "test", {"key"}, [this](std::string_view args) {
      lastArgs_ = std::string(args);
      return R"({"key":")" + kPeer + R"(","path":[")" + kRoot + R"(",")" + kPeer + R"("]})";
    });
    endpoint_ = "unix://" + dir_->file("admin.sock");
    server_->start(endpoint_);
  }
  void tearDown() override {
    server_->stop();
    server_.reset();
    dir_.reset();
  }

  void treeTextJsonAndDot() {
    ProbeRun text = probe({"tree", "--depth", "2", "--max-nodes", "10", "--admin", endpoint_});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(text.err, 0, text.status);
    auto args = rtk::json::Value::parse(lastArgs_);
    CPPUNIT_ASSERT_EQUAL(std::string("2"), args.get("maxDepth").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("10"), args.get("maxNodes").asString());
    CPPUNIT_ASSERT_MESSAGE(text.out, text.out.find("  " + kPeer + "  1.25 ms  2 peer(s)\n") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(text.out, text.out.find("    " + kFar + "  unreachable\n") != std::string::npos);
    ProbeRun json = probe({"tree", "--depth", "2", "--json", "--admin", endpoint_});
    CPPUNIT_ASSERT_EQUAL(0, json.status);
    CPPUNIT_ASSERT_EQUAL(rtk::json::Value::parse(crawlJson()).dump(), rtk::json::Value::parse(json.out).dump());
    ProbeRun dot = probe({"tree", "--depth", "2", "--dot", "--admin", endpoint_});
    CPPUNIT_ASSERT_EQUAL(0, dot.status);
    CPPUNIT_ASSERT(dot.out.find("\"" + kPeer + "\" -> \"" + kFar + "\";") != std::string::npos);
  }

  void traceAndPathSendTheKey() {
    ProbeRun path = probe({"path", kPeer + ".pk.ygg", "--admin", endpoint_});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(path.err, 0, path.status);
    CPPUNIT_ASSERT_EQUAL(kPeer + ".pk.ygg", rtk::json::Value::parse(lastArgs_).get("key").asString());
    CPPUNIT_ASSERT_EQUAL(kRoot + "  (root)\n  " + kPeer + "\n", path.out);
    ProbeRun trace = probe({"trace", kPeer, "--admin", endpoint_});  // no probeTrace on this server
    CPPUNIT_ASSERT_EQUAL(69, trace.status);
    CPPUNIT_ASSERT_MESSAGE(trace.err, trace.err.find("is the probe plugin enabled") != std::string::npos);
  }

  void aWrongAnswerExits69() {
    answer_ = R"({"root":"nope"})";
    ProbeRun r = probe({"tree", "--depth", "2", "--admin", endpoint_});
    CPPUNIT_ASSERT_EQUAL(69, r.status);
    CPPUNIT_ASSERT_MESSAGE(r.err, r.err.find("probe result: root: not a key") != std::string::npos);
  }

  void usageErrorsExit64() {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {}, {"walk"}, {"tree"}, {"tree", "--depth", "0"}, {"tree", "--depth", "2", "--concurrency", "300"},
             {"path"}, {"trace", "200:1234::1"}, {"path", "--dot", kPeer}, {"tree", "--depth", "1", "extra"}}) {
      ProbeRun r = probe(args);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 64, r.status);
      CPPUNIT_ASSERT(r.err.find("usage: ratatoskr probe") != std::string::npos);
    }
  }

 private:
  std::unique_ptr<rtk::test::TempDir> dir_;
  std::unique_ptr<rtk::core::admin::AdminServer> server_;
  std::string endpoint_, lastArgs_, answer_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProbeCommandTest);
