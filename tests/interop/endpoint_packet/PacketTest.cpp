// Issue 4 a: ICMPv6 echo through our packet interface (the TUN boundary)
// against a real yggdrasil 0.5.12 node whose kernel answers on its TUN.
#include "CoreNode.hpp"
#include "Icmp.hpp"
#include "Ping.hpp"
#include "Trace.hpp"
#include "Transport.hpp"
#include "Wait.hpp"

#include <ratatoskr/net.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>

using namespace rtk;
using namespace rtk::interop;

namespace {

struct Pair {
  Netns* realNs;
  Netns* ourNs;
  RealNode* real;
  std::unique_ptr<CoreNode> ours;
};

Pair makePair(Lab& lab) {
  Pair p;
  p.realNs = &lab.addNetns("r");
  p.ourNs = &lab.addNetns("o");
  const VethLink& veth = lab.connect(*p.realNs, *p.ourNs);
  const std::string uri = transportUri(Transport::Tcp, veth.a().ipv6, 7100);
  NodeSpec rs;
  rs.name = "real";
  rs.listen = {uri};
  p.real = &lab.addRealNode(rs, *p.realNs);
  p.real->start();
  p.ours = std::make_unique<CoreNode>(lab, *p.ourNs, "ours", std::vector<std::string>{uri});
  const std::string key = p.ours->key().hex();
  waitUntil("real node peered with ours", 30000, [&] {
    const auto keys = p.real->ctl().upPeerKeys();
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  });
  return p;
}

// Sends echo requests (one every 500 ms: the first ones may wait for a path
// lookup) until a matching reply arrives from `to`; returns the tries used.
int echoUntilReply(CoreNode& ours, const Ip6Address& to, std::uint16_t id, int timeoutMs) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  for (std::uint16_t seq = 1; std::chrono::steady_clock::now() < end; ++seq) {
    Echo req{ours.address(), to, kEchoRequest, id, seq, core::Bytes(56, static_cast<std::uint8_t>(seq))};
    ours.write(buildEcho(req));
    auto reply = ours.next(500, [&](const core::Bytes& p) {
      Echo e;
      return parseEcho(p, e) && e.type == kEchoReply && e.source == to && e.destination == ours.address() &&
             e.id == id && e.seq == seq && e.data == req.data;
    });
    if (reply) return seq;
  }
  CPPUNIT_FAIL("no echo reply from " + formatAddress(to));
  return 0;
}

}  // namespace

class PacketTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PacketTest);
  CPPUNIT_TEST(echoToRealAddressAndSubnetAndPingToUs);
  CPPUNIT_TEST_SUITE_END();

 public:
  void echoToRealAddressAndSubnetAndPingToUs() {
    Lab lab("ep-packet");
    Pair p = makePair(lab);

    // To the real node's address: its kernel answers on the TUN.
    const auto realAddr = *parseAddress(p.real->address());
    const int tries = echoUntilReply(*p.ours, realAddr, 0x4a01, 30000);
    trace("echo to the real address answered after " + std::to_string(tries) + " request(s)");

    // To an address in the real node's subnet: a second address on its TUN.
    std::string subnet = p.real->ctl().getSelf()->getValue<std::string>("subnet");  // "300:…::/64"
    const std::string subnetHost = subnet.substr(0, subnet.find('/')) + "1";
    p.realNs->check({"ip", "-6", "addr", "add", subnetHost + "/64", "dev", p.real->spec().ifName, "nodad"}, 5000);
    const int subnetTries = echoUntilReply(*p.ours, *parseAddress(subnetHost), 0x4a02, 30000);
    trace("echo to the real subnet address " + subnetHost + " answered after " + std::to_string(subnetTries) +
          " request(s)");

    // The real node's ping6 to our address arrives at our packet interface; the test answers.
    std::atomic<int> answered{0};
    CoreNode& ours = *p.ours;
    ours.setHandler([&](core::Bytes packet) {
      Echo e;
      if (!parseEcho(packet, e) || e.type != kEchoRequest || e.destination != ours.address()) return;
      Echo reply{ours.address(), e.source, kEchoReply, e.id, e.seq, e.data};
      ours.write(buildEcho(reply));
      ++answered;
    });
    const PingResult ping = ping6(*p.realNs, formatAddress(ours.address()), PingOptions{5, 15000, 0.2, 200});
    ours.setHandler({});
    trace("real ping6 -> our packet interface: " + std::to_string(ping.received) + "/" + std::to_string(ping.sent) +
          ", test answered " + std::to_string(answered.load()));
    CPPUNIT_ASSERT_MESSAGE(ping.run.describe(), ping.allReceived());
    CPPUNIT_ASSERT(answered.load() >= ping.sent);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PacketTest);
