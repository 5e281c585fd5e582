#include "Lab.hpp"

#include <ratatoskr/error.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <fstream>

using namespace rtk::interop;

class RealNodeTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RealNodeTest);
  CPPUNIT_TEST(configIsIsolatedFromTheHost);
  CPPUNIT_TEST(startsAnswersAndRestartsWithTheSameKey);
  CPPUNIT_TEST(adminErrorsCarryTheNodesMessage);
  CPPUNIT_TEST(brokenConfigFailsWithTheLogTail);
  CPPUNIT_TEST_SUITE_END();

 public:
  void configIsIsolatedFromTheHost() {
    Lab lab("self-node");
    Netns& ns = lab.addNetns("a");
    NodeSpec spec;
    spec.name = "a";
    spec.listen = {"tcp://[fd72:746b::1]:7100"};
    spec.peers = {"tls://[fd72:746b::2]:7101"};
    spec.ifMtuBytes = 1400;
    RealNode& node = lab.addRealNode(spec, ns);
    const auto conf = node.renderConfig();
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, conf->getArray("MulticastInterfaces")->size());
    CPPUNIT_ASSERT_EQUAL(std::string("unix://") + node.adminSocketPath().string(),
                         conf->getValue<std::string>("AdminListen"));
    CPPUNIT_ASSERT_EQUAL(std::string("ygg0"), conf->getValue<std::string>("IfName"));
    CPPUNIT_ASSERT_EQUAL(1400, conf->getValue<int>("IfMTU"));
    CPPUNIT_ASSERT_EQUAL(std::string("a"), conf->getObject("NodeInfo")->getValue<std::string>("name"));
    CPPUNIT_ASSERT_EQUAL(std::string("tls://[fd72:746b::2]:7101"), conf->getArray("Peers")->getElement<std::string>(0));
    CPPUNIT_ASSERT_EQUAL(node.publicKey(), conf->getValue<std::string>("PrivateKey").substr(64));
  }

  void startsAnswersAndRestartsWithTheSameKey() {
    Lab lab("self-node");
    Netns& ns = lab.addNetns("a");
    NodeSpec spec;
    spec.name = "a";
    RealNode& node = lab.addRealNode(spec, ns);
    node.start();
    CPPUNIT_ASSERT(node.running());
    CPPUNIT_ASSERT(node.address().rfind("20", 0) == 0);  // 200::/7
    const auto self = node.ctl().getSelf();
    CPPUNIT_ASSERT_EQUAL(node.publicKey(), self->getValue<std::string>("key"));
    CPPUNIT_ASSERT_EQUAL(std::string("0.5.12"), self->getValue<std::string>("build_version"));
    // The TUN device exists inside the namespace with the node's address.
    const RunResult addr = ns.check({"ip", "-6", "-o", "addr", "show", "dev", "ygg0"}, 5000);
    CPPUNIT_ASSERT(addr.out.find(node.address()) != std::string::npos);
    const std::string address = node.address();
    node.kill();
    CPPUNIT_ASSERT(!node.running());
    CPPUNIT_ASSERT(!node.ctl().answers(1000));
    node.start();
    CPPUNIT_ASSERT_EQUAL(address, node.address());
    node.stop();
    CPPUNIT_ASSERT(!node.running());
    std::ifstream log(node.logPath());
    const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    CPPUNIT_ASSERT(text.find("start #2") != std::string::npos);
    CPPUNIT_ASSERT(text.find("Your public key is " + node.publicKey()) != std::string::npos);
  }

  void adminErrorsCarryTheNodesMessage() {
    Lab lab("self-node");
    Netns& ns = lab.addNetns("a");
    NodeSpec spec;
    spec.name = "a";
    RealNode& node = lab.addRealNode(spec, ns);
    node.start();
    try {
      node.ctl().removePeer("tcp://[fd72:746b::9]:1");
      CPPUNIT_FAIL("expected rtk::Error");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Io);
      CPPUNIT_ASSERT(std::string(e.what()).find("peer is not configured") != std::string::npos);
    }
    node.ctl().addPeer("tcp://[fd72:746b::9]:1");
    const auto peers = node.ctl().getPeers()->getArray("peers");
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, peers->size());
    CPPUNIT_ASSERT_EQUAL(std::string("tcp://[fd72:746b::9]:1"), peers->getObject(0)->getValue<std::string>("remote"));
    CPPUNIT_ASSERT(!peers->getObject(0)->getValue<bool>("up"));
    node.ctl().removePeer("tcp://[fd72:746b::9]:1");
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, node.ctl().getPeers()->getArray("peers")->size());
  }

  void brokenConfigFailsWithTheLogTail() {
    Lab lab("self-node");
    Netns& ns = lab.addNetns("a");
    NodeSpec spec;
    spec.name = "a";
    spec.allowedPublicKeys = {"nothex"};  // yggdrasil panics before its admin socket opens
    RealNode& node = lab.addRealNode(spec, ns);
    try {
      node.start(10000);
      CPPUNIT_FAIL("expected rtk::Error");
    } catch (const rtk::Error& e) {
      const std::string what = e.what();
      CPPUNIT_ASSERT(what.find("exited while starting") != std::string::npos);
      CPPUNIT_ASSERT(what.find("node.log") != std::string::npos);
      CPPUNIT_ASSERT(what.find("invalid byte") != std::string::npos);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RealNodeTest);
