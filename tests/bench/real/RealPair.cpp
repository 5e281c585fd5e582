#include "RealPair.hpp"

#include "Transport.hpp"
#include "Wait.hpp"

namespace rtk::bench {

using namespace interop;

RealPair::RealPair(Lab& lab, const PairOptions& options) : lab_(lab) {
  Netns& nsA = lab.addNetns("a");
  Netns& nsB = lab.addNetns("b");
  const VethLink& link = lab.connect(nsB, nsA, options.vethMtuBytes);
  NodeSpec specB;
  specB.name = "b";
  specB.ifMtuBytes = options.ifMtuBytes;
  specB.listen = {transportUri(Transport::Tcp, link.a().ipv6, defaultPort(Transport::Tcp))};
  NodeSpec specA;
  specA.name = "a";
  specA.ifMtuBytes = options.ifMtuBytes;
  specA.peers = specB.listen;
  b_ = &lab.addRealNode(specB, nsB);
  a_ = &lab.addRealNode(specA, nsA);
  b_->start();
  a_->start();
  waitUntil("a reaches b over the overlay", 60000, [this] {
    return ping6(a_->netns(), b_->address(), PingOptions{1, 2000, 0.2, 56}).allReceived();
  });
  server_ = std::make_unique<Iperf3Server>(b_->netns(), b_->address(), kIperfPort, lab.file("iperf3-server.log"));
}

PingResult RealPair::rtt(int count) {
  return ping6(a_->netns(), b_->address(), PingOptions{count, count * 1000 + 5000, 0.2, 56});
}

IperfResult RealPair::tcp(int streams, int seconds) {
  IperfOptions o;
  o.seconds = seconds;
  o.omitSeconds = 0;  // count every byte: the caller's CPU window is the whole run
  o.streams = streams;
  return iperf3Client(a_->netns(), b_->address(), kIperfPort, o);
}

Datagrams RealPair::datagrams(int payloadBytes, double rateBps, int seconds) {
  IperfOptions o;
  o.seconds = seconds;
  o.omitSeconds = 0;
  o.udp = true;
  o.udpRateBps = rateBps;
  o.udpPayloadBytes = payloadBytes;
  const IperfResult r = iperf3Client(a_->netns(), b_->address(), kIperfPort, o);
  Datagrams out;
  out.payloadBytes = payloadBytes;
  out.offered = static_cast<std::uint64_t>(r.packets);
  // iperf3 can report more lost than sent when the receiver misses the tail; clamp.
  out.delivered = r.lostPackets >= r.packets ? 0 : static_cast<std::uint64_t>(r.packets - r.lostPackets);
  out.seconds = r.seconds;
  return out;
}

}  // namespace rtk::bench
