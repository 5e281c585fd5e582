// rtk_bench_real: link benchmark of a node pair in network namespaces.
//
//   rtk_bench_real [--pairs real[,ours]] [--seconds 10] [--udp-seconds 5]
//                  [--udp-payload 1200] [--max-loss 1.0] [--pings 20]
//                  [--packet-seconds 3] [--veth-mtu 1500] [--if-mtu 65535] [--json FILE]
//
// For each pair (BenchPair): RTT, TCP goodput with 1 and 4 streams, UDP
// goodput at the highest offered rate with at most --max-loss percent loss
// (bounded search: doublings then bisections), and the same search for UDP
// datagrams that make whole IPv6 packets of 1280 and 64000 bytes (sizes
// above --if-mtu are left out). Every throughput run gets a CPU row: each
// node process's CPU and the whole machine's busy CPU (/proc/stat) per GB
// received, sampled over exactly the run whose bytes are counted. Then peak
// RSS and threads. Prints a metric table and a CPU table (with ratios
// ours/real when two pairs ran) and optionally JSON. With the real pair,
// also the forward plugin's rows (ForwardBench.hpp) as ratios to the real
// pair's single stream (--forward 0 leaves them out).
// Needs root. Not a test: it asserts nothing; numbers only.
#include "BenchColumn.hpp"
#include "BenchPair.hpp"
#include "BenchReport.hpp"
#include "ForwardBench.hpp"
#include "MachineCpu.hpp"
#include "OurPair.hpp"
#include "RealPair.hpp"

#include "Lab.hpp"
#include "ProcStats.hpp"
#include "Trace.hpp"

#include <ratatoskr/error.hpp>

#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace rtk;
using namespace rtk::interop;
using rtk::bench::BenchPair;
using rtk::bench::PairOptions;
using rtk::bench::Column;
using rtk::bench::kNotMeasured;

namespace {

struct Options {
  std::vector<std::string> pairs{"real"};
  int seconds = 10;
  int udpSeconds = 5;
  int udpPayloadBytes = 1200;
  double maxLossPercent = 1.0;
  int pings = 20;
  int packetSeconds = 3;
  std::vector<int> packetSizes{1280, 64000};  // whole IPv6 packets
  PairOptions pair;
  std::string jsonPath;
  bool forward = true;  // the forward rows, when the real pair runs
};

std::uint64_t receivedBytesOf(const IperfResult& r) { return r.receivedBytes; }
std::uint64_t receivedBytesOf(const bench::Datagrams& d) { return d.delivered * d.payloadBytes; }

using PairFactory = std::function<std::unique_ptr<BenchPair>(Lab&, const PairOptions&)>;

// The pairs a run can measure (see BenchPair.hpp).
const std::map<std::string, PairFactory>& pairFactories() {
  static const std::map<std::string, PairFactory> factories = {
      {"real", [](Lab& lab, const PairOptions& o) { return std::make_unique<bench::RealPair>(lab, o); }},
      {"ours", [](Lab& lab, const PairOptions& o) { return std::make_unique<bench::OurPair>(lab, o); }},
  };
  return factories;
}

// CPU seconds of the pair's whole path so far: the node processes, the
// long-running traffic tools, the reaped short-lived ones, ksoftirqd.
struct PairCpu {
  double sender = 0, receiver = 0, pair = 0, machine = 0;
  static PairCpu read(BenchPair& p) {
    PairCpu c;
    c.sender = ProcStats::read(p.senderPid()).cpuSeconds;
    c.receiver = ProcStats::read(p.receiverPid()).cpuSeconds;
    double tools = 0;
    for (pid_t pid : p.toolPids()) tools += ProcStats::read(pid).cpuSeconds;
    c.pair = c.sender + c.receiver + tools + bench::reapedChildrenCpuSeconds() + bench::softirqThreadsCpuSeconds();
    c.machine = bench::machineBusyCpuSeconds();
    return c;
  }
};

// Runs `run` and charges the CPU spent meanwhile to the bytes received: each
// node process, the whole pair (PairCpu) and the whole machine. The samples
// sit right around run(), whose byte count must cover its whole duration
// (iperf3 runs without --omit; our node's commands count every byte of the
// run), so the CPU window and the byte window are the same interval on
// both pairs.
template <typename Run>
auto withCpu(BenchPair& pair, Column& column, const std::string& what, Run run) {
  const PairCpu before = PairCpu::read(pair);
  auto result = run();
  const PairCpu after = PairCpu::read(pair);
  const double gb = static_cast<double>(receivedBytesOf(result)) / 1e9;
  auto perGB = [gb](double seconds) { return gb > 0 ? seconds / gb : kNotMeasured; };
  bench::CpuRow row;
  row.run = what;
  row.gigabytes = gb;
  row.senderSPerGB = perGB(after.sender - before.sender);
  row.receiverSPerGB = perGB(after.receiver - before.receiver);
  row.pairSPerGB = perGB(after.pair - before.pair);
  row.machineSPerGB = perGB(after.machine - before.machine);
  column.cpu.push_back(row);
  return result;
}

// Highest rate of datagrams (UDP payload `payload` bytes) whose loss stays
// within the bound: up to `doublings` doublings from startRateBps, then
// `bisections` bisections; then one more run at the rate found with the CPU
// sampled (on a loaded machine its loss may exceed the bound: it is shown).
bench::Datagrams datagramSearch(BenchPair& pair, const Options& o, const std::string& what, int payload,
                                double startRateBps, int doublings, int bisections, int seconds, Column& column) {
  double good = 0;
  double bad = startRateBps;
  bench::Datagrams best;
  auto attempt = [&](double rate) {
    const bench::Datagrams r = pair.datagrams(payload, rate, seconds);
    char line[200];
    std::snprintf(line, sizeof line, "bench %s: %s offered %.1f Mbit/s -> %.1f kpackets/s, %.1f Mbit/s, loss %.2f %%",
                  pair.label().c_str(), what.c_str(), rate / 1e6, r.packetsPerSecond() / 1e3,
                  r.payloadBitsPerSecond() / 1e6, r.lossPercent());
    trace(line);
    const bool ok = r.delivered > 0 && r.lossPercent() <= o.maxLossPercent;
    if (ok && r.delivered > best.delivered) best = r;
    return ok;
  };
  for (int i = 0; i < doublings && attempt(bad); ++i) {
    good = bad;
    bad *= 2;
  }
  for (int i = 0; i < bisections && good < bad; ++i) {
    const double mid = good == 0 ? bad / 2 : (good + bad) / 2;
    if (attempt(mid)) good = mid;
    else bad = mid;
  }
  const bench::Datagrams cpuRun =
      withCpu(pair, column, what, [&] { return pair.datagrams(payload, good > 0 ? good : bad / 2, seconds); });
  best.offeredRateBps = good;
  best.cpuRunLossPercent = cpuRun.lossPercent();
  return best;
}

// Busy CPUs of the machine over `seconds` with the pair up and idle: what
// other work on the machine adds to every "machine" figure.
double machineBusyAtRest(double seconds) {
  const double before = bench::machineBusyCpuSeconds();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  return (bench::machineBusyCpuSeconds() - before) / seconds;
}

Column measure(const std::string& name, const Options& o) {
  Lab lab("bench-" + name);
  std::unique_ptr<BenchPair> pair = pairFactories().at(name)(lab, o.pair);
  Column column;
  column.label = pair->label();
  trace("bench " + column.label + ": measuring");
  column.add("machine busy CPUs at rest (pair idle)", machineBusyAtRest(2));

  const PingResult ping = pair->rtt(o.pings);
  column.add("RTT avg (ms)", ping.rttAvgMs);
  column.add("RTT min (ms)", ping.rttMinMs);
  column.add("RTT max (ms)", ping.rttMaxMs);
  column.add("ping loss (%)", ping.sent > 0 ? 100.0 * (ping.sent - ping.received) / ping.sent : 100.0);

  const IperfResult tcp1 = withCpu(*pair, column, "tcp x1", [&] { return pair->tcp(1, o.seconds); });
  column.add("TCP goodput, 1 stream (Mbit/s)", tcp1.goodputBps / 1e6);
  column.add("TCP retransmits, 1 stream", pair->measuresRetransmits() ? tcp1.retransmits : kNotMeasured);
  const IperfResult tcp4 = withCpu(*pair, column, "tcp x4", [&] { return pair->tcp(4, o.seconds); });
  column.add("TCP goodput, 4 streams (Mbit/s)", tcp4.goodputBps / 1e6);
  column.add("TCP retransmits, 4 streams", pair->measuresRetransmits() ? tcp4.retransmits : kNotMeasured);

  const std::string udp = "udp " + std::to_string(o.udpPayloadBytes) + " B";
  const bench::Datagrams u = datagramSearch(*pair, o, udp, o.udpPayloadBytes, std::max(50e6, tcp1.goodputBps), 4, 5,
                                            o.udpSeconds, column);
  column.add("UDP goodput at <= max loss (Mbit/s)", u.payloadBitsPerSecond() / 1e6);
  column.add("UDP offered rate found (Mbit/s)", u.offeredRateBps / 1e6);
  column.add("UDP loss at that rate (%)", u.lossPercent());
  column.add(udp + ": loss of the CPU run (%)", u.cpuRunLossPercent);

  // Whole IPv6 packets of one size: UDP datagrams of size - 48 bytes, sent
  // and counted by sockets on both pairs (kernel + TUN, lwIP + packet interface).
  for (int size : o.packetSizes) {
    if (size > o.pair.ifMtuBytes) continue;
    const std::string what = "packets " + std::to_string(size) + " B";
    const int payload = size - 48;
    const bench::Datagrams p =
        datagramSearch(*pair, o, what, payload, 100e6 * payload / size, 6, 4, o.packetSeconds, column);
    column.add(what + ": kpackets/s at <= max loss", p.packetsPerSecond() / 1e3);
    column.add(what + ": Mbit/s at <= max loss", p.packetsPerSecond() * size * 8 / 1e6);
    column.add(what + ": loss of the CPU run (%)", p.cpuRunLossPercent);
  }

  const ProcStats sender = ProcStats::read(pair->senderPid());
  const ProcStats receiver = ProcStats::read(pair->receiverPid());
  column.add("peak RSS sender node (MiB)", sender.peakRssKiB / 1024.0);
  column.add("peak RSS receiver node (MiB)", receiver.peakRssKiB / 1024.0);
  column.add("threads sender node", sender.threads);
  column.add("threads receiver node", receiver.threads);
  column.add("CPU s total sender node", sender.cpuSeconds);
  column.add("CPU s total receiver node", receiver.cpuSeconds);
  return column;
}

int usage() {
  std::cerr << "usage: rtk_bench_real [--pairs real[,ours]] [--seconds N] [--udp-seconds N] [--udp-payload B]\n"
               "                      [--max-loss PCT] [--pings N] [--packet-seconds N] [--veth-mtu B] [--if-mtu B]\n"
               "                      [--forward 0|1] [--json FILE]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    for (std::size_t i = 0; i < args.size(); ++i) {
      const bool hasValue = i + 1 < args.size();
      const std::string& a = args[i];
      if (!hasValue) return usage();
      const std::string& v = args[++i];
      if (a == "--pairs") {
        o.pairs.clear();
        std::stringstream list(v);
        for (std::string p; std::getline(list, p, ',');) o.pairs.push_back(p);
      } else if (a == "--seconds") {
        o.seconds = std::stoi(v);
      } else if (a == "--udp-seconds") {
        o.udpSeconds = std::stoi(v);
      } else if (a == "--udp-payload") {
        o.udpPayloadBytes = std::stoi(v);
      } else if (a == "--max-loss") {
        o.maxLossPercent = std::stod(v);
      } else if (a == "--packet-seconds") {
        o.packetSeconds = std::stoi(v);
      } else if (a == "--pings") {
        o.pings = std::stoi(v);
      } else if (a == "--veth-mtu") {
        o.pair.vethMtuBytes = std::stoi(v);
      } else if (a == "--if-mtu") {
        o.pair.ifMtuBytes = std::stoi(v);
      } else if (a == "--json") {
        o.jsonPath = v;
      } else if (a == "--forward") {
        o.forward = v != "0";
      } else {
        return usage();
      }
    }
    if (o.seconds < 1 || o.seconds > 120 || o.udpSeconds < 1 || o.udpSeconds > 60 || o.pings < 1 || o.pings > 1000) {
      std::cerr << "rtk_bench_real: --seconds 1..120, --udp-seconds 1..60, --pings 1..1000\n";
      return 2;
    }
    for (const auto& p : o.pairs) {
      if (pairFactories().count(p) == 0) {
        std::cerr << "rtk_bench_real: unknown pair \"" << p << "\" (known: real, ours)\n";
        return 2;
      }
    }
    std::vector<Column> columns;
    for (const auto& p : o.pairs) columns.push_back(measure(p, o));
    const Column* real = nullptr;
    for (std::size_t i = 0; i < columns.size(); ++i)
      if (o.pairs[i] == "real") real = &columns[i];
    std::vector<bench::ForwardRow> forward;
    if (o.forward && real) forward = bench::measureForwards(o.pair, o.seconds);
    char heading[300];
    std::snprintf(heading, sizeof heading,
                  "link benchmark: two nodes in namespaces, one veth (MTU %d), tcp:// peering, IfMTU %d,\n"
                  "%d s per TCP run, %d s per UDP run (%d-byte datagrams), %d s per packet run, loss bound %.1f %%",
                  o.pair.vethMtuBytes, o.pair.ifMtuBytes, o.seconds, o.udpSeconds, o.udpPayloadBytes, o.packetSeconds,
                  o.maxLossPercent);
    bench::printMetricTable(heading, columns);
    bench::printCpuTable(columns);
    if (real && !forward.empty()) bench::printForwardTable(o.seconds, *real, forward);
    if (!o.jsonPath.empty()) bench::writeJson(o.jsonPath, columns, forward);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "rtk_bench_real: " << e.what() << "\n";
    return 1;
  }
}
