#include "HandshakingLinks.hpp"
#include "HostFigures.hpp"

#include "Lab.hpp"
#include "NetnsScope.hpp"
#include "Trace.hpp"
#include "Transport.hpp"
#include "Wait.hpp"

#include <ratatoskr/error.hpp>

#include <arpa/inet.h>

#include <chrono>
#include <thread>

namespace rtk::bench {

using namespace interop;

namespace {

constexpr int kLinkListenPort = 7600;
constexpr int kHandshakeTimeoutMs = 10000;
constexpr int kGiveUpAfterFailuresInARow = 20;

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
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  to.sin6_port = htons(kLinkListenPort);
  if (::inet_pton(AF_INET6, veth.a().ipv6.c_str(), &to.sin6_addr) != 1)
    throw Error(Errc::InvalidArgument, "bench: bad veth address " + veth.a().ipv6);

  HandshakingLinks held;
  const auto t0 = std::chrono::steady_clock::now();
  {
    NetnsScope in(nsC);
    int failuresInARow = 0;
    for (int i = 0; i < links && failuresInARow < kGiveUpAfterFailuresInARow; ++i) {
      try {
        held.open(to, kHandshakeTimeoutMs);
        ++out.opened;
        failuresInARow = 0;
      } catch (const Error& e) {
        ++out.failed;
        ++failuresInARow;
        if (out.firstError.empty()) out.firstError = e.what();
      }
    }
  }
  out.openSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  trace("bench links " + name + ": " + std::to_string(out.opened) + " opened, " + std::to_string(out.failed) +
        " failed in " + std::to_string(out.openSeconds) + " s");
  std::this_thread::sleep_for(std::chrono::duration<double>(settleSeconds));
  out.held = ProcMemory::read(node.pid());
  out.upAtNode = upPeers(node);
  out.closedByNode = held.closedByNode();

  held.closeAll();
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
