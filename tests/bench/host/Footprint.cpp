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

Node& addNode(Lab& lab, NodeKind kind, NodeSpec spec, const Netns& netns) {
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
  // Peers of the measured node's own kind: the file pages of a binary two
  // processes map are shared, not private, so the private figure of both
  // kinds sees the same number of siblings.
  Node& peerP = addNode(lab, kind, p, nsP);
  Node& peerQ = addNode(lab, kind, q, nsQ);
  NodeSpec m;
  m.name = "m";
  Node& measured = addNode(lab, kind, m, nsM);

  // The peers run in both phases (not peered in the first), so the
  // measured process has the same siblings each time.
  Footprint out;
  peerP.start();
  peerQ.start();
  measured.start();
  settle(settleSeconds);
  out.noPeers = ProcMemory::read(measured.pid());
  measured.stop();

  measured.mutableSpec().peers = {p.listen.front(), q.listen.front()};
  measured.start();
  waitUntil(name + " node has both peers up", 60000, [&] { return measured.ctl().upPeerKeys().size() == 2; }, 250);
  settle(settleSeconds);
  out.twoPeers = ProcMemory::read(measured.pid());
  trace("bench footprint " + name + ": measured");
  return out;
}

}  // namespace rtk::bench
