#include "HostFigures.hpp"
#include "LinkCrowd.hpp"

#include "Lab.hpp"
#include "NetnsScope.hpp"
#include "Trace.hpp"
#include "Transport.hpp"
#include "Wait.hpp"

#include <ratatoskr/error.hpp>

#include <chrono>
#include <thread>

namespace rtk::bench {

using namespace interop;

namespace {

constexpr int kLinkListenPort = 7600;
// All the handshakes together; 8 at a time keeps below our host's cap of 16
// unfinished handshakes per source address.
constexpr int kHandshakesTimeoutMs = 120000;
constexpr std::size_t kHandshakesAtOnce = 8;

int upPeers(const Node& node) { return static_cast<int>(node.ctl().upPeerKeys().size()); }

}  // namespace

LinkScale measureLinkScale(NodeKind kind, int links, double settleSeconds) {
  const std::string name = kind == NodeKind::Ours ? "ours" : "real";
  Lab lab("bench-links-" + name);
  Netns& nsH = lab.addNetns("h");
  Netns& nsC = lab.addNetns("c");
  const VethLink& veth = lab.connect(nsH, nsC);
  NodeSpec spec;
  spec.name = "h";
  spec.listen = {transportUri(Transport::Tcp, veth.a().ipv6, kLinkListenPort)};
  spec.logLevel = "warn";
  Node& node = kind == NodeKind::Ours ? static_cast<Node&>(lab.addOurNode(spec, nsH))
                                      : static_cast<Node&>(lab.addRealNode(spec, nsH));
  node.start();
  std::this_thread::sleep_for(std::chrono::duration<double>(settleSeconds));

  LinkScale out;
  out.asked = links;
  out.idle = ProcMemory::read(node.pid());
  interop::links::LinkCrowd held;
  const auto t0 = std::chrono::steady_clock::now();
  interop::links::LinkCrowd::LinkOutcome outcome;
  {
    NetnsScope in(nsC);
    outcome = held.openLinks(veth.a().ipv6, kLinkListenPort, "", static_cast<std::size_t>(links), kHandshakesAtOnce,
                             node.publicKey(), kHandshakesTimeoutMs);
  }
  out.opened = static_cast<int>(outcome.completed);
  out.failed = links - out.opened;
  if (out.failed > 0) out.firstError = outcome.describe();
  out.openSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  trace("bench links " + name + ": " + outcome.describe() + " in " + std::to_string(out.openSeconds) + " s");
  std::this_thread::sleep_for(std::chrono::duration<double>(settleSeconds));
  out.held = ProcMemory::read(node.pid());
  out.upAtNode = upPeers(node);
  out.closedByNode = outcome.completed - held.linksAlive();

  held.close();
  try {
    waitUntil(name + " node drops the closed links", 60000, [&] { return upPeers(node) == 0; }, 500);
  } catch (const Error& e) {
    trace(std::string("bench links: ") + e.what());
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(settleSeconds));
  out.afterClose = ProcMemory::read(node.pid());
  return out;
}

}  // namespace rtk::bench
