// Two real yggdrasil 0.5.12 nodes in namespaces, peered over tcp:// on a
// veth; traffic is iperf3 between their TUN addresses.
#pragma once

#include "BenchPair.hpp"
#include "Lab.hpp"

#include <memory>

namespace rtk::bench {

struct PairOptions {
  int vethMtuBytes = 1500;
  int ifMtuBytes = 65535;
};

class RealPair final : public BenchPair {
 public:
  // Starts both nodes and waits until a pings b. Throws rtk::Error.
  RealPair(interop::Lab& lab, const PairOptions& options);

  std::string label() const override { return "real-real"; }
  interop::PingResult rtt(int count) override;
  interop::IperfResult tcp(int streams, int seconds) override;
  interop::IperfResult udp(double rateBps, int payloadBytes, int seconds) override;
  // UDP datagrams of packetBytes - 48 through the TUN devices (iperf3 -u -b).
  PacketRate packets(int packetBytes, double rateBps, int seconds) override;
  pid_t senderPid() override { return a_->pid(); }
  pid_t receiverPid() override { return b_->pid(); }

 private:
  static constexpr int kIperfPort = 5201;
  interop::Lab& lab_;
  interop::Node* a_ = nullptr;  // sender, dials b
  interop::Node* b_ = nullptr;  // receiver, listens
  std::unique_ptr<interop::Iperf3Server> server_;
};

}  // namespace rtk::bench
