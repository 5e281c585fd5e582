// Two of our nodes (rtk_bench_node processes: core + userspace stack) in
// namespaces, peered over tcp:// on a veth — the same topology as RealPair.
// Traffic is generated inside the sending node's process through our stack
// (there is no TUN, so iperf3 cannot drive it): TCP streams into a sink that
// confirms the bytes it read, paced UDP into a counting sink, UDP echo for
// round trips. Datagrams are sent and counted by lwIP UDP sockets, the
// layer where iperf3 sends and counts them on the real pair.
// Each process is charged for its own CPU, as the real nodes are; unlike
// the real pair, that includes the TCP/UDP stacks and the generator (the
// kernel's work for the real pair is charged to iperf3 and softirq time,
// which only the machine CPU figures count).
// TCP retransmits: segments the sender's lwIP sent again (timeouts and fast
// retransmits), from Netstack::Counters::tcpRetransmits over the run, as
// iperf3 reports the kernel's for the real pair.
// Thread-safety: one thread.
#pragma once

#include "BenchPair.hpp"
#include "Lab.hpp"
#include "RealPair.hpp"

#include <Poco/JSON/Object.h>

namespace rtk::bench {

class OurPair final : public BenchPair {
 public:
  OurPair(interop::Lab& lab, const PairOptions& options);

  std::string label() const override { return "ours-ours"; }
  interop::PingResult rtt(int count) override;
  interop::IperfResult tcp(int streams, int seconds) override;
  bool measuresRetransmits() const override { return true; }
  Datagrams datagrams(int payloadBytes, double rateBps, int seconds) override;
  pid_t senderPid() override { return a_.pid(); }
  pid_t receiverPid() override { return b_.pid(); }
  std::vector<pid_t> toolPids() override { return {}; }  // the generator and sinks run inside the nodes

 private:
  Poco::JSON::Object::Ptr command(const std::string& controlPath, const std::string& line, int timeoutMs);
  interop::Subprocess a_, b_;
  std::string controlA_, controlB_;
  std::string addressB_;
};

}  // namespace rtk::bench
