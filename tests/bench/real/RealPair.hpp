// Two real yggdrasil 0.5.12 nodes in namespaces, peered over tcp:// on a
// veth; traffic is iperf3 between their TUN addresses.
#pragma once

#include "BenchPair.hpp"
#include "Lab.hpp"

#include <memory>

namespace rtk::bench {

struct PairOptions {
  int vethMtuBytes = 1500;
  int ifMtuBytes = 65535;  // IfMTU of both nodes
};

class RealPair final : public BenchPair {
 public:
  // Starts both nodes and waits until a pings b. Throws rtk::Error.
  RealPair(interop::Lab& lab, const PairOptions& options);

  std::string label() const override { return "real-real"; }
  interop::PingResult rtt(int count) override;
  interop::IperfResult tcp(int streams, int seconds) override;
  // Sender retransmits as iperf3 reports them (the kernel's TCP_INFO).
  bool measuresRetransmits() const override { return true; }
  // iperf3 -u -b rateBps -l payloadBytes between the TUN addresses.
  Datagrams datagrams(int payloadBytes, double rateBps, int seconds) override;
  pid_t senderPid() override { return a_->pid(); }
  pid_t receiverPid() override { return b_->pid(); }
  std::vector<pid_t> toolPids() override { return {server_->pid()}; }

 private:
  static constexpr int kIperfPort = 5201;
  interop::Lab& lab_;
  interop::Node* a_ = nullptr;  // sender, dials b
  interop::Node* b_ = nullptr;  // receiver, listens
  std::unique_ptr<interop::Iperf3Server> server_;
};

}  // namespace rtk::bench
