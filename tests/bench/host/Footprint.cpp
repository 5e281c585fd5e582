#include "HostFigures.hpp"

#include "Lab.hpp"
#include "Trace.hpp"
#include "Transport.hpp"
#include "Wait.hpp"

#include <chrono>
#include <thread>

namespace rtk::bench {

using namespace interop;

namespace {

constexpr int kFootprintPeerPort = 7410;

Node& addMeasured(Lab& lab, NodeKind kind, NodeSpec spec, const Netns& netns) {
  if (kind == NodeKind::Ours) return lab.addOurNode(std::move(spec), netns);
  return lab.addRealNode(std::move(spec), netns);
}

void settle(double seconds) { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); }

}  // namespace

Footprint measureFootprint(NodeKind kind, double settleSeconds) {
  const std::string name = kind == NodeKind::Ours ? "ours" : "real";
  Lab lab("bench-mem-" + name);
  Netns& nsM = lab.addNetns("m");
  Netns& nsP = lab.addNetns("p");
  Netns& nsQ = lab.addNetns("q");
  const VethLink& toP = lab.connect(nsP, nsM);
  const VethLink& toQ = lab.connect(nsQ, nsM);
  NodeSpec p;
  p.name = "p";
  p.listen = {transportUri(Transport::Tcp, toP.a().ipv6, kFootprintPeerPort)};
  NodeSpec q;
  q.name = "q";
  q.listen = {transportUri(Transport::Tcp, toQ.a().ipv6, kFootprintPeerPort)};
  Node& peerP = lab.addRealNode(p, nsP);
  Node& peerQ = lab.addRealNode(q, nsQ);
  NodeSpec m;
  m.name = "m";
  Node& measured = addMeasured(lab, kind, m, nsM);

  Footprint out;
  measured.start();
  settle(settleSeconds);
  out.noPeers = ProcMemory::read(measured.pid());
  measured.stop();

  peerP.start();
  peerQ.start();
  measured.mutableSpec().peers = {p.listen.front(), q.listen.front()};
  measured.start();
  waitUntil(name + " node has both peers up", 60000, [&] { return measured.ctl().upPeerKeys().size() == 2; }, 250);
  settle(settleSeconds);
  out.twoPeers = ProcMemory::read(measured.pid());
  trace("bench footprint " + name + ": measured");
  return out;
}

}  // namespace rtk::bench
