// The admin commands' and the service's argument handling (ProbeCommands)
// and the service table itself (ProbeService): numbers as JSON numbers or
// yggdrasilctl's strings, missing and bad arguments named, CLOSED when
// detached.
#include <cppunit/extensions/HelperMacros.h>

#include "FakeUpstream.hpp"
#include "ProbeCommands.hpp"
#include "ProbeService.hpp"
#include "ratatoskr/abi.hpp"
#include "ratatoskr/json.hpp"
#include "ratatoskr/services/probe.hpp"

using namespace rtk;
using rtk::probe::fake::keyN;

namespace {
std::string commandErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

class ProbeCommandsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ProbeCommandsTest);
  CPPUNIT_TEST(treeArguments);
  CPPUNIT_TEST(pathAndTraceArguments);
  CPPUNIT_TEST(serviceTable);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    up_.link(0, 1, 3);
    up_.link(1, 2);
    up_.treeEntries = {TreeEntry{keyN(1), keyN(1)}, TreeEntry{keyN(0), keyN(1)}};
    up_.pathEntries = {PathEntry{keyN(1), {}}};
  }

  void treeArguments() {
    probe::Prober prober(up_, {}, Log());
    plugins::probe::ProbeCommands c(prober, Log());
    auto r = json::Value::parse(c.tree(R"({"maxDepth":"3","concurrency":"2","maxNodes":"10"})"));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.get("nodes").size());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(2), r.get("concurrency").asInt64());
    auto limited = json::Value::parse(c.tree(R"({"maxDepth":3,"maxNodes":1})"));
    CPPUNIT_ASSERT(limited.get("truncated").asBool());
    CPPUNIT_ASSERT_EQUAL(std::string("probe: maxDepth is required (1 = our peers, 2 = their peers, ...)"),
                         commandErrorOf([&] { c.tree("{}"); }));
    CPPUNIT_ASSERT(commandErrorOf([&] { c.tree(R"({"maxDepth":"0"})"); }).find("maxDepth must be a whole number from 1") !=
                   std::string::npos);
    CPPUNIT_ASSERT(commandErrorOf([&] { c.tree(R"({"maxDepth":2,"concurrency":257})"); }).find("concurrency") != std::string::npos);
    CPPUNIT_ASSERT(commandErrorOf([&] { c.tree(R"({"maxDepth":"two"})"); }).find("\"two\"") != std::string::npos);
    CPPUNIT_ASSERT(commandErrorOf([&] { c.tree("[1]"); }).find("JSON object") != std::string::npos);
  }

  void pathAndTraceArguments() {
    probe::Prober prober(up_, {}, Log());
    plugins::probe::ProbeCommands c(prober, Log());
    auto p = json::Value::parse(c.path(R"({"key":")" + keyN(0).hex() + "\"}"));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), p.get("path").size());
    CPPUNIT_ASSERT_EQUAL(keyN(1).hex(), p.get("path").at(0).asString());
    CPPUNIT_ASSERT(commandErrorOf([&] { c.path("{}"); }).find("no key given") != std::string::npos);
    CPPUNIT_ASSERT(commandErrorOf([&] { c.path(R"({"key":")" + keyN(5).hex() + "\"}"); }).find("not in the local tree") !=
                   std::string::npos);
    auto t = json::Value::parse(c.trace(R"({"key":")" + keyN(1).hex() + ".pk.ygg\"}"));
    CPPUNIT_ASSERT_EQUAL(keyN(1).hex(), t.get("target").asString());
    CPPUNIT_ASSERT(!t.get("lookup_sent").asBool());
  }

  void serviceTable() {
    probe::Prober prober(up_, {}, Log());
    plugins::probe::ProbeCommands c(prober, Log());
    plugins::probe::ProbeService service;
    const rtk_probe_service* t = service.table();
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(sizeof(rtk_probe_service)), t->struct_size);
    const std::string args = R"({"maxDepth":2})";
    {
      sdk::StringSink json, err;
      CPPUNIT_ASSERT_EQUAL(rtk_status(RTK_ERR_CLOSED), t->tree(t->probe, sdk::toStr(args), json.get(), err.get()));
    }
    service.attach(c);
    sdk::StringSink json, err;
    CPPUNIT_ASSERT_EQUAL(rtk_status(RTK_OK), t->tree(t->probe, sdk::toStr(args), json.get(), err.get()));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), json::Value::parse(json.take()).get("nodes").size());
    sdk::StringSink json2, err2;
    CPPUNIT_ASSERT_EQUAL(rtk_status(RTK_ERR_INVALID_ARGUMENT), t->path(t->probe, sdk::toStr("{}"), json2.get(), err2.get()));
    CPPUNIT_ASSERT(err2.take().find("no key given") != std::string::npos);
    // The C++ client over the same table.
    sdk::ProbeClient client(*t);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), client.tree(1).get("nodes").size());
    CPPUNIT_ASSERT_EQUAL(keyN(1).hex(), client.path(keyN(0).hex()).get("path").at(0).asString());
    CPPUNIT_ASSERT_EQUAL(keyN(1).hex(), client.trace(keyN(1).hex()).get("target").asString());
    try {
      client.path("nonsense");
      CPPUNIT_FAIL("a bad key must throw");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::InvalidArgument);
    }
    service.detach();
    CPPUNIT_ASSERT_THROW(client.tree(1), Error);
  }

 private:
  probe::fake::FakeUpstream up_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProbeCommandsTest);
