// rtk::NodeInfoAsker (libratatoskr.so, public API only): two rtk::Node in
// this process, peered on loopback; one asks the other for its NodeInfo by
// every target form, reads its built-in sigil (rtk_sigil_core inside the
// library) and a custom one, and gives up on an address nobody has.

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <future>
#include <thread>

#include "common/ProcessCounters.hpp"
#include "ratatoskr/address.hpp"
#include "ratatoskr/net.hpp"
#include "ratatoskr/ninfo.hpp"
#include "ratatoskr/node.hpp"

using namespace std::chrono_literals;

namespace {

std::shared_ptr<const rtk::Logger> askerTestLogger() {
  static auto logger = std::make_shared<rtk::Logger>(rtk::Logger::stderrSink(),
                                                     std::getenv("RTK_TEST_DEBUG") ? rtk::LogLevel::Trace
                                                                                   : rtk::LogLevel::Warn);
  return logger;
}

std::shared_ptr<rtk::Node> askerTestNode(rtk::NodeConfig config) {
  rtk::NodeOptions options;
  options.config = std::move(config);
  options.logger = askerTestLogger();
  return rtk::Node::create(std::move(options));
}

bool upWith(const rtk::Node& node, const rtk::PublicKey& key) {
  auto peers = node.getPeers();
  return std::any_of(peers.begin(), peers.end(), [&](const rtk::PeerInfo& p) { return p.up && p.key == key; });
}

// A custom sigil "motd": {"motd": "<text>"}.
class MotdParser final : public rtk::ninfo::SigilParser {
 public:
  std::string name() const override { return "motd"; }
  std::optional<rtk::json::Value> parse(const rtk::json::Value& nodeInfo) const override {
    const auto* v = nodeInfo.find("motd");
    if (!v || !v->isString()) return std::nullopt;
    auto out = rtk::json::Value::object();
    out.set("motd", *v);
    return out;
  }
};

}  // namespace

class NodeInfoAskerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NodeInfoAskerTest);
  CPPUNIT_TEST(asksAPeeredNodeByEveryFormAndReadsItsSigils);
  CPPUNIT_TEST(badOptionsAreRefused);
  CPPUNIT_TEST_SUITE_END();

 public:
  void asksAPeeredNodeByEveryFormAndReadsItsSigils() {
    rtk::NodeConfig configA;
    configA.listen = {"tcp://127.0.0.1:0"};
    configA.nodeInfo = R"({"name":"node-a","inet":["a.example.net"],"motd":"hello","ratatoskr":"[inet,motd] v0.1.0"})";
    auto a = askerTestNode(configA);
    rtk::NodeConfig configB;
    configB.peers = {a->listeners().front()};
    auto b = askerTestNode(configB);
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!(upWith(*a, b->publicKey()) && upWith(*b, a->publicKey()))) {
      CPPUNIT_ASSERT_MESSAGE("the nodes never peered", std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(10ms);
    }

    const std::size_t threadsBefore = rtk::test::threadsNamed("rtk-ninfo");
    rtk::ninfo::AskOptions options;
    options.parsers = {std::make_shared<MotdParser>()};
    options.maxLookupTime = 500ms;
    rtk::NodeInfoAsker asker(*b, options, rtk::Log(askerTestLogger(), "ninfo"));
    // Its one thread names itself as it starts.
    for (int i = 0; i < 2000 && rtk::test::threadsNamed("rtk-ninfo") == threadsBefore; ++i) std::this_thread::sleep_for(1ms);
    CPPUNIT_ASSERT_EQUAL(threadsBefore + 1, rtk::test::threadsNamed("rtk-ninfo"));

    const rtk::PublicKey keyA = a->publicKey();
    rtk::Ip6Address subnetHost = rtk::address::subnetForKey(keyA);
    subnetHost.bytes[15] = 7;
    for (const std::string& target : {keyA.hex(), rtk::address::pkYggName(keyA), rtk::formatEndpoint({a->address(), 80}),
                                      rtk::formatAddress(a->address()), rtk::formatAddress(subnetHost)}) {
      rtk::ninfo::AskResult r = asker.ask(target, 10s);
      CPPUNIT_ASSERT_EQUAL(target, r.target);
      CPPUNIT_ASSERT(r.key == keyA);
      CPPUNIT_ASSERT(r.rtt.count() > 0);
      CPPUNIT_ASSERT_EQUAL(std::string("v0.1.0"), r.version);
      CPPUNIT_ASSERT(r.software && r.software->name == "ratatoskr");
      CPPUNIT_ASSERT_EQUAL(std::string(R"({"inet":{"inet":["a.example.net"]},"motd":{"motd":"hello"}})"), r.sigils.dump());
      CPPUNIT_ASSERT_EQUAL(std::string(R"({"name":"node-a"})"), r.extra.dump());
    }

    // Asynchronously, with a callback on the asker's thread.
    std::promise<rtk::Outcome<rtk::ninfo::AskResult>> answered;
    asker.askAsync(keyA.hex(), 10s, [&](rtk::Outcome<rtk::ninfo::AskResult> r) { answered.set_value(std::move(r)); });
    CPPUNIT_ASSERT(answered.get_future().get().ok());

    // Nobody has this address: refused at maxLookupTime.
    const std::string nobody = rtk::formatAddress(rtk::address::addressForKey(rtk::PublicKey{{0x5a, 0x5a, 0x5a}}));
    try {
      asker.ask(nobody);
      CPPUNIT_FAIL("resolved an address nobody has");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::NotFound);
      CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("ninfo: cannot resolve " + nobody) == 0);
    }

    asker.close();
    CPPUNIT_ASSERT_EQUAL(threadsBefore, rtk::test::threadsNamed("rtk-ninfo"));
    try {
      asker.ask(keyA.hex());
      CPPUNIT_FAIL("asked after close");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Closed);
    }
    b->close();
    a->close();
  }

  void badOptionsAreRefused() {
    auto node = askerTestNode({});
    auto refused = [&](rtk::ninfo::AskOptions options) {
      try {
        rtk::NodeInfoAsker asker(*node, std::move(options));
      } catch (const rtk::Error& e) {
        CPPUNIT_ASSERT(e.code() == rtk::Errc::InvalidArgument);
        return std::string(e.what());
      }
      CPPUNIT_FAIL("options accepted");
      return std::string();
    };
    rtk::ninfo::AskOptions negative;
    negative.lookupInterval = -1ms;
    CPPUNIT_ASSERT(refused(negative).find("LookupInterval is negative") != std::string::npos);
    class InfoParser final : public rtk::ninfo::SigilParser {
      std::string name() const override { return "info"; }
      std::optional<rtk::json::Value> parse(const rtk::json::Value&) const override { return std::nullopt; }
    };
    rtk::ninfo::AskOptions builtin;
    builtin.parsers = {std::make_shared<InfoParser>()};
    CPPUNIT_ASSERT(refused(builtin).find("\"info\": the name is a built-in sigil's") != std::string::npos);
    node->close();
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NodeInfoAskerTest);
