#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "common/TempDir.hpp"
#include "peermgr/Settings.hpp"
#include "ratatoskr/error.hpp"

using rtk::json::Value;
using rtk::peermgr::settingsFrom;

namespace {

// The schema's defaults, as the host fills them in, plus `patch`.
Value withDefaults(const std::string& patch) {
  Value config = Value::parse(R"({"Peers":[],"PeersFile":"","MaxPerProto":1,"ProbeTimeoutMs":10000,
    "RefreshIntervalMs":0,"BatchSize":64,"ProbeSamples":3,"Passive":false,"MinPeers":0,"HealthIntervalMs":10000,
    "MinPeersConfirmations":3,"ReprobeIntervalMs":1800000,"StaticPeers":"refuse"})");
  Value p = Value::parse(patch);
  for (const auto& key : p.keys()) config.set(key, p.get(key));
  return config;
}

std::string settingsRefusal(const Value& config) {
  try {
    settingsFrom(config);
  } catch (const rtk::Error& e) {
    CPPUNIT_ASSERT(e.code() == rtk::Errc::Config);
    return e.what();
  }
  CPPUNIT_FAIL("accepted " + config.dump());
  return {};
}

}  // namespace

class SettingsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SettingsTest);
  CPPUNIT_TEST(readsOptionsAndBothSources);
  CPPUNIT_TEST(refusesNoCandidates);
  CPPUNIT_TEST(refusesMinPeersTooHigh);
  CPPUNIT_TEST(minPeersOffInPassiveMode);
  CPPUNIT_TEST(refusesAnUnreadableFile);
  CPPUNIT_TEST_SUITE_END();

 public:
  void readsOptionsAndBothSources() {
    rtk::test::TempDir dir("peermgr");
    auto file = dir.write("peers.md", "* x\n  * `tls://f.example:1`\n");
    auto s = settingsFrom(withDefaults(R"({"Peers":["tcp://a.example:1"],"MaxPerProto":2,"BatchSize":8,
      "ProbeTimeoutMs":1500,"MinPeers":1,"PeersFile":")" + file + R"("})"));
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, s.options.maxPerProto);
    CPPUNIT_ASSERT_EQUAL(std::size_t{8}, s.options.batchSize);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1500}, static_cast<std::int64_t>(s.options.probeTimeout.count()));
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, s.candidates.candidates().size());
    CPPUNIT_ASSERT_EQUAL(file + ":2", s.candidates.candidates()[1].origin);
  }

  void refusesNoCandidates() {
    auto what = settingsRefusal(withDefaults(R"({"Peers":["quic://a:1","nonsense"]})"));
    CPPUNIT_ASSERT(what.find("no valid peers after validation") != std::string::npos);
  }

  void refusesMinPeersTooHigh() {
    // tcp: 3 candidates, tls: 1 → at MaxPerProto 2 at most 2 + 1 = 3 peers.
    auto what = settingsRefusal(withDefaults(
        R"({"Peers":["tcp://a:1","tcp://b:1","tcp://c:1","tls://a:2"],"MaxPerProto":2,"MinPeers":3})"));
    CPPUNIT_ASSERT_EQUAL(std::string("Modules.peermgr.MinPeers: 3 must be below 3, the most peers these candidates give at MaxPerProto 2"),
                         what);
    auto ok = settingsFrom(withDefaults(R"({"Peers":["tcp://a:1","tcp://b:1","tcp://c:1","tls://a:2"],"MaxPerProto":2,"MinPeers":2})"));
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, ok.options.minPeers);
  }

  void minPeersOffInPassiveMode() {
    auto s = settingsFrom(withDefaults(R"({"Peers":["tcp://a:1","tcp://b:1"],"Passive":true,"MinPeers":1})"));
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, s.options.minPeers);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, s.warnings.size());
  }

  void refusesAnUnreadableFile() {
    auto what = settingsRefusal(withDefaults(R"({"Peers":["tcp://a:1"],"PeersFile":"/nonexistent/peers.md"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("Modules.peermgr.PeersFile: cannot read \"/nonexistent/peers.md\""), what);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SettingsTest);
