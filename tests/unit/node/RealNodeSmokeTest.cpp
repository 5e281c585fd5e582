// Core against the real yggdrasil 0.5.12 on loopback (no root: "IfName":
// "none"): both list each other as peers, and NodeInfo crosses sessions in
// both directions (our request answered by it, its yggdrasilctl request
// answered by us).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>

#include "NodeTestSupport.hpp"
#include "support/RealNode.hpp"

using namespace std::chrono_literals;
using rtk::test::eventually;
using rtk::test::RealNode;

namespace {

constexpr auto kSmokeWait = 20s;

// Whether the real node's getPeers shows `key` up.
bool realListsPeer(const RealNode& node, const rtk::PublicKey& key) {
  try {
    auto root = Poco::JSON::Parser().parse(node.ctl("getPeers")).extract<Poco::JSON::Object::Ptr>();
    auto peers = root->getArray("peers");
    for (std::size_t i = 0; peers && i < peers->size(); ++i) {
      auto p = peers->getObject(static_cast<unsigned>(i));
      if (p->has("key") && p->getValue<std::string>("key") == key.hex() && p->getValue<bool>("up")) return true;
    }
  } catch (const Poco::Exception&) {
    // Not JSON (the node still starting): not listed.
  }
  return false;
}

bool weListPeer(rtk::core::node::Core& core, const rtk::PublicKey& key) {
  auto peers = core.links().getPeers();
  return std::any_of(peers.begin(), peers.end(), [&](const rtk::PeerInfo& p) { return p.up && p.key == key; });
}

}  // namespace

class RealNodeSmokeTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RealNodeSmokeTest);
  CPPUNIT_TEST(realNodeAndCorePeerAndExchangeNodeInfo);
  CPPUNIT_TEST_SUITE_END();

 public:
  void realNodeAndCorePeerAndExchangeNodeInfo() {
    auto port = std::to_string(rtk::test::freeTcpPort());
    RealNode real({"", {"tcp://127.0.0.1:" + port}, {}, {}});
    CPPUNIT_ASSERT(real.waitLog("TCP listener started on 127.0.0.1:" + port, kSmokeWait));

    rtk::NodeConfig config;
    config.peers = {"tcp://127.0.0.1:" + port};
    config.nodeInfo = R"({"smoke":"core"})";
    auto core = rtk::test::makeCore("core-smoke", config);

    CPPUNIT_ASSERT_MESSAGE(real.ctl("getPeers"), eventually([&] { return realListsPeer(real, core->publicKey()); }, kSmokeWait));
    CPPUNIT_ASSERT(eventually([&] { return weListPeer(*core, real.key()); }, kSmokeWait));

    // Our NodeInfo request, answered by the real node through a session.
    auto reply = rtk::test::retryOnTimeout([&] { return core->proto().getNodeInfo(real.key(), 2s); }, kSmokeWait);
    auto theirs = Poco::JSON::Parser().parse(reply.json).extract<Poco::JSON::Object::Ptr>();
    CPPUNIT_ASSERT_MESSAGE(reply.json, theirs->size() == 0 || !theirs->has("smoke"));

    // The real node's NodeInfo request, answered by us.
    std::string out;
    bool answered = eventually([&] {
      out = real.ctl("getNodeInfo key=" + core->publicKey().hex());
      return out.find("\"smoke\"") != std::string::npos;
    }, kSmokeWait);
    CPPUNIT_ASSERT_MESSAGE(out, answered);
    auto root = Poco::JSON::Parser().parse(out).extract<Poco::JSON::Object::Ptr>();
    auto ours = root->getObject(core->publicKey().hex());
    CPPUNIT_ASSERT_MESSAGE(out, !ours.isNull());
    CPPUNIT_ASSERT_EQUAL(std::string("core"), ours->getValue<std::string>("smoke"));

    core->stop();
    CPPUNIT_ASSERT(eventually([&] { return !realListsPeer(real, core->publicKey()); }, kSmokeWait));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RealNodeSmokeTest);
