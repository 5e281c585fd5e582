#include "ForwardBench.hpp"

#include <functional>

#include "Iperf3.hpp"
#include "Lab.hpp"
#include "MachineCpu.hpp"
#include "Trace.hpp"
#include "Transport.hpp"
#include "Wait.hpp"
#include <ratatoskr/address.hpp>
#include <ratatoskr/net.hpp>

namespace rtk::bench {

using namespace interop;

namespace {

constexpr int kPeerPort = 7400;

Poco::JSON::Array::Ptr stringList(std::initializer_list<std::string> items) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (const auto& s : items) a->add(s);
  return a;
}

// Our host with the forward plugin and these settings.
NodeSpec forwardingHost(const std::string& name, const PairOptions& options, Poco::JSON::Object::Ptr forward) {
  NodeSpec spec;
  spec.name = name;
  spec.ifMtuBytes = options.ifMtuBytes;
  spec.plugins = new Poco::JSON::Object;
  spec.plugins->set("Enabled", stringList({"forward"}));
  spec.modules = new Poco::JSON::Object;
  spec.modules->set("forward", forward);
  return spec;
}

std::string addressOf(const std::string& publicKeyHex) {
  return formatAddress(address::addressForKey(*PublicKey::fromHex(publicKeyHex)));
}

void waitPeered(Node& node) {
  waitUntil(node.name() + " peered", 60000, [&] {
    auto peers = node.ctl().getPeers()->getArray("peers");
    return peers && peers->size() == 1 && peers->getObject(0)->getValue<bool>("up");
  });
}

// One iperf3 run with the machine's busy CPU around it; adds two rows.
void measure(std::vector<ForwardRow>& rows, const std::string& what, const std::function<IperfResult()>& run) {
  const double before = machineBusyCpuSeconds();
  const IperfResult r = run();
  const double cpu = machineBusyCpuSeconds() - before;
  const double gb = static_cast<double>(r.receivedBytes) / 1e9;
  trace("bench forward " + what + ": " + std::to_string(r.goodputBps / 1e6) + " Mbit/s, whole machine " + std::to_string(cpu) +
        " CPU s for " + std::to_string(gb) + " GB");
  rows.push_back({"fwd " + what + ", 1 stream (Mbit/s)", r.goodputBps / 1e6, false});
  rows.push_back({"fwd " + what + ": machine CPU s/GB", gb > 0 ? cpu / gb : 0, true});
}

void oursAgainstReal(std::vector<ForwardRow>& rows, const PairOptions& options, int seconds) {
  Lab lab("bench-fwd-real");
  Netns& nsO = lab.addNetns("o");
  Netns& nsR = lab.addNetns("r");
  const VethLink& link = lab.connect(nsR, nsO, options.vethMtuBytes);
  const std::string oUri = transportUri(Transport::Tcp, link.b().ipv6, kPeerPort);
  NodeSpec rSpec;
  rSpec.name = "r";
  rSpec.ifMtuBytes = options.ifMtuBytes;
  rSpec.peers = {oUri};
  RealNode& r = lab.addRealNode(rSpec, nsR);
  const std::string rAddress = addressOf(r.publicKey());
  Poco::JSON::Object::Ptr forward = new Poco::JSON::Object;
  forward->set("LocalTCP", stringList({"127.0.0.1:7002:[" + rAddress + "]:7102"}));
  forward->set("RemoteTCP", stringList({"7202:127.0.0.1:7302"}));
  NodeSpec oSpec = forwardingHost("o", options, forward);
  oSpec.listen = {oUri};
  OurNode& o = lab.addOurNode(oSpec, nsO);
  o.start();
  r.start();
  waitPeered(o);
  IperfOptions iperf;
  iperf.seconds = seconds;
  iperf.omitSeconds = 0;  // the machine CPU window is the whole run: count all its bytes
  {
    Iperf3Server server(nsR, r.address(), 7102, lab.file("iperf3-local.log"));
    measure(rows, "LocalTCP -> real", [&] { return iperf3Client(nsO, "127.0.0.1", 7002, iperf); });
  }
  {
    Iperf3Server server(nsO, "127.0.0.1", 7302, lab.file("iperf3-remote.log"));
    measure(rows, "real -> RemoteTCP", [&] { return iperf3Client(nsR, o.address(), 7202, iperf); });
  }
}

void oursAgainstOurs(std::vector<ForwardRow>& rows, const PairOptions& options, int seconds) {
  Lab lab("bench-fwd-ours");
  Netns& nsA = lab.addNetns("a");
  Netns& nsB = lab.addNetns("b");
  const VethLink& link = lab.connect(nsA, nsB, options.vethMtuBytes);
  const std::string bUri = transportUri(Transport::Tcp, link.b().ipv6, kPeerPort);
  Poco::JSON::Object::Ptr remote = new Poco::JSON::Object;
  remote->set("RemoteTCP", stringList({"7203:127.0.0.1:7303"}));
  NodeSpec bSpec = forwardingHost("b", options, remote);
  bSpec.listen = {bUri};
  OurNode& b = lab.addOurNode(bSpec, nsB);
  Poco::JSON::Object::Ptr local = new Poco::JSON::Object;
  local->set("LocalTCP", stringList({"127.0.0.1:7003:[" + addressOf(b.publicKey()) + "]:7203"}));
  NodeSpec aSpec = forwardingHost("a", options, local);
  aSpec.peers = {bUri};
  OurNode& a = lab.addOurNode(aSpec, nsA);
  b.start();
  a.start();
  waitPeered(a);
  IperfOptions iperf;
  iperf.seconds = seconds;
  iperf.omitSeconds = 0;  // the machine CPU window is the whole run: count all its bytes
  Iperf3Server server(nsB, "127.0.0.1", 7303, lab.file("iperf3-ours.log"));
  measure(rows, "ours LocalTCP -> ours RemoteTCP", [&] { return iperf3Client(nsA, "127.0.0.1", 7003, iperf); });
}

}  // namespace

std::vector<ForwardRow> measureForwards(const PairOptions& options, int seconds) {
  std::vector<ForwardRow> rows;
  oursAgainstReal(rows, options, seconds);
  oursAgainstOurs(rows, options, seconds);
  return rows;
}

}  // namespace rtk::bench
