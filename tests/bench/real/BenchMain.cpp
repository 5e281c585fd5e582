// rtk_bench_real: link benchmark of a node pair in network namespaces.
//
//   rtk_bench_real [--pairs real[,ours]] [--seconds 10] [--udp-seconds 5]
//                  [--udp-payload 1200] [--max-loss 1.0] [--pings 20]
//                  [--packet-seconds 3] [--veth-mtu 1500] [--if-mtu 65535] [--json FILE]
//
// For each pair (BenchPair): RTT (ping6), TCP goodput with 1 and 4 streams,
// UDP goodput at the highest offered rate with at most --max-loss percent
// loss (bounded search: up to 4 doublings then 5 bisections), CPU seconds
// per GB received for each node process during the TCP runs, peak RSS and
// threads. Prints a table (with a ratio column when two pairs ran) and
// optionally JSON. Then whole IPv6 packets of 1280 and 64000 bytes through
// the TUN (real) or packet-interface (ours) boundary: the highest rate within
// the loss bound (same search), packets/s, Mbit/s and CPU s/GB at that rate.
// With the real pair, also the forward plugin's rows (ForwardBench.hpp):
// single-stream TCP through LocalTCP/RemoteTCP against a real node and
// through a pair of our forwards, with the whole machine's CPU s/GB, each as
// a ratio to the real TUN pair's (--forward 0 leaves them out).
// Needs root. Not a test: it asserts nothing; numbers only.
#include "BenchPair.hpp"
#include "ForwardBench.hpp"
#include "MachineCpu.hpp"
#include "OurPair.hpp"
#include "RealPair.hpp"

#include "Json.hpp"
#include "Lab.hpp"
#include "ProcStats.hpp"
#include "Trace.hpp"

#include <ratatoskr/error.hpp>

#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace rtk;
using namespace rtk::interop;
using rtk::bench::BenchPair;
using rtk::bench::PairOptions;

namespace {

struct Options {
  std::vector<std::string> pairs{"real"};
  int seconds = 10;
  int udpSeconds = 5;
  int udpPayloadBytes = 1200;
  double maxLossPercent = 1.0;
  int pings = 20;
  int packetSeconds = 3;
  std::vector<int> packetSizes{1280, 64000};
  PairOptions pair;
  std::string jsonPath;
  bool forward = true;  // the forward rows, when the real pair runs
};

using PairFactory = std::function<std::unique_ptr<BenchPair>(Lab&, const PairOptions&)>;

// The extension point: "ours" joins here once our node runs (see BenchPair.hpp).
const std::map<std::string, PairFactory>& pairFactories() {
  static const std::map<std::string, PairFactory> factories = {
      {"real", [](Lab& lab, const PairOptions& o) { return std::make_unique<bench::RealPair>(lab, o); }},
      {"ours", [](Lab& lab, const PairOptions& o) { return std::make_unique<bench::OurPair>(lab, o); }},
  };
  return factories;
}

struct Row {
  std::string metric;
  double value;
};

struct Column {
  std::string label;
  std::vector<Row> rows;
  void add(const std::string& metric, double value) { rows.push_back(Row{metric, value}); }
};

// Runs `run` and charges each node's CPU time to the gigabytes received.
IperfResult withCpu(BenchPair& pair, Column& column, const std::string& what,
                    const std::function<IperfResult()>& run) {
  const ProcStats senderBefore = ProcStats::read(pair.senderPid());
  const ProcStats receiverBefore = ProcStats::read(pair.receiverPid());
  const double machineBefore = bench::machineBusyCpuSeconds();
  const IperfResult r = run();
  const double machine = bench::machineBusyCpuSeconds() - machineBefore;
  const ProcStats senderAfter = ProcStats::read(pair.senderPid());
  const ProcStats receiverAfter = ProcStats::read(pair.receiverPid());
  const double gb = static_cast<double>(r.receivedBytes) / 1e9;
  column.add("machine CPU s/GB, " + what, gb > 0 ? machine / gb : 0);
  column.add("CPU s/GB sender node, " + what, gb > 0 ? (senderAfter.cpuSeconds - senderBefore.cpuSeconds) / gb : 0);
  column.add("CPU s/GB receiver node, " + what,
             gb > 0 ? (receiverAfter.cpuSeconds - receiverBefore.cpuSeconds) / gb : 0);
  return r;
}

// Highest UDP goodput whose loss stays within the bound.
void udpSearch(BenchPair& pair, const Options& o, double startRateBps, Column& column) {
  double good = 0;
  double bad = startRateBps;
  IperfResult best;
  auto attempt = [&](double rate) {
    const IperfResult r = pair.udp(rate, o.udpPayloadBytes, o.udpSeconds);
    char line[160];
    std::snprintf(line, sizeof line, "bench %s: udp offered %.1f Mbit/s -> goodput %.1f Mbit/s, loss %.2f %%",
                  pair.label().c_str(), rate / 1e6, r.goodputBps / 1e6, r.lostPercent);
    trace(line);
    const bool ok = r.packets > 0 && r.lostPercent <= o.maxLossPercent;
    if (ok && r.goodputBps > best.goodputBps) best = r;
    return ok;
  };
  for (int i = 0; i < 4 && attempt(bad); ++i) {
    good = bad;
    bad *= 2;
  }
  for (int i = 0; i < 5 && good < bad; ++i) {
    const double mid = good == 0 ? bad / 2 : (good + bad) / 2;
    if (attempt(mid)) {
      good = mid;
    } else {
      bad = mid;
    }
  }
  column.add("UDP goodput at <= max loss (Mbit/s)", best.goodputBps / 1e6);
  column.add("UDP offered rate found (Mbit/s)", good / 1e6);
  column.add("UDP loss at that rate (%)", best.lostPercent);
}

// Highest packet rate of one size whose loss stays within the bound (same
// search as udpSearch, starting at 100 Mbit/s), with CPU s/GB at that rate.
void packetSearch(BenchPair& pair, const Options& o, int size, Column& column) {
  const std::string what = "packets " + std::to_string(size) + " B";
  double good = 0, bad = 100e6;
  bench::PacketRate best;
  auto attempt = [&](double rate) {
    const bench::PacketRate r = pair.packets(size, rate, o.packetSeconds);
    char line[200];
    std::snprintf(line, sizeof line, "bench %s: %s offered %.1f Mbit/s -> %.1f kpackets/s, %.1f Mbit/s, loss %.2f %%",
                  pair.label().c_str(), what.c_str(), rate / 1e6, r.packetsPerSecond() / 1e3, r.bitsPerSecond() / 1e6,
                  r.lossPercent());
    trace(line);
    const bool ok = r.packets > 0 && r.lossPercent() <= o.maxLossPercent;
    if (ok && r.packets > best.packets) best = r;
    return ok;
  };
  for (int i = 0; i < 6 && attempt(bad); ++i) {
    good = bad;
    bad *= 2;
  }
  for (int i = 0; i < 4 && good < bad; ++i) {
    const double mid = good == 0 ? bad / 2 : (good + bad) / 2;
    if (attempt(mid)) good = mid;
    else bad = mid;
  }
  // CPU at the rate found (one more run; on a loaded machine its loss may exceed the bound).
  bench::PacketRate cpuRun;
  withCpu(pair, column, what, [&] {
    cpuRun = pair.packets(size, good > 0 ? good : bad / 2, o.packetSeconds);
    IperfResult asIperf;
    asIperf.receivedBytes = cpuRun.bytes;
    return asIperf;
  });
  column.add(what + ": kpackets/s at <= max loss", best.packetsPerSecond() / 1e3);
  column.add(what + ": Mbit/s at <= max loss", best.bitsPerSecond() / 1e6);
  column.add(what + ": loss of the CPU run (%)", cpuRun.lossPercent());
}

Column measure(const std::string& name, const Options& o) {
  Lab lab("bench-" + name);
  std::unique_ptr<BenchPair> pair = pairFactories().at(name)(lab, o.pair);
  Column column;
  column.label = pair->label();
  trace("bench " + column.label + ": measuring");

  const PingResult ping = pair->rtt(o.pings);
  column.add("RTT avg (ms)", ping.rttAvgMs);
  column.add("RTT min (ms)", ping.rttMinMs);
  column.add("RTT max (ms)", ping.rttMaxMs);
  column.add("ping loss (%)", ping.sent > 0 ? 100.0 * (ping.sent - ping.received) / ping.sent : 100.0);

  const IperfResult tcp1 = withCpu(*pair, column, "tcp x1", [&] { return pair->tcp(1, o.seconds); });
  column.add("TCP goodput, 1 stream (Mbit/s)", tcp1.goodputBps / 1e6);
  column.add("TCP retransmits, 1 stream", tcp1.retransmits);
  const IperfResult tcp4 = withCpu(*pair, column, "tcp x4", [&] { return pair->tcp(4, o.seconds); });
  column.add("TCP goodput, 4 streams (Mbit/s)", tcp4.goodputBps / 1e6);
  column.add("TCP retransmits, 4 streams", tcp4.retransmits);

  udpSearch(*pair, o, std::max(50e6, tcp1.goodputBps), column);

  // Whole IPv6 packets through the TUN / packet-interface boundary.
  for (int size : o.packetSizes) packetSearch(*pair, o, size, column);

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

void printTable(const Options& o, const std::vector<Column>& columns) {
  std::printf("\nlink benchmark: two nodes in namespaces, one veth (MTU %d), tcp:// peering, IfMTU %d,\n"
              "%d s per TCP run, %d s per UDP run (%d-byte datagrams), loss bound %.1f %%\n\n",
              o.pair.vethMtuBytes, o.pair.ifMtuBytes, o.seconds, o.udpSeconds, o.udpPayloadBytes, o.maxLossPercent);
  std::printf("%-38s", "metric");
  for (const auto& c : columns) std::printf(" %14s", c.label.c_str());
  if (columns.size() == 2) std::printf(" %10s", "ratio");
  std::printf("\n");
  for (std::size_t i = 0; i < columns.front().rows.size(); ++i) {
    std::printf("%-38s", columns.front().rows[i].metric.c_str());
    for (const auto& c : columns) std::printf(" %14.3f", c.rows[i].value);
    if (columns.size() == 2) {
      const double base = columns[0].rows[i].value;
      if (base != 0) {
        std::printf(" %10.3f", columns[1].rows[i].value / base);
      } else {
        std::printf(" %10s", "-");
      }
    }
    std::printf("\n");
  }
  std::fflush(stdout);
}

double rowOf(const Column& column, const std::string& metric) {
  for (const auto& row : column.rows)
    if (row.metric == metric) return row.value;
  return 0;
}

// The forward rows beside the real pair's single-stream goodput and machine CPU s/GB.
void printForwardTable(const Options& o, const Column& real, const std::vector<bench::ForwardRow>& rows) {
  const double goodput = rowOf(real, "TCP goodput, 1 stream (Mbit/s)");
  const double cpu = rowOf(real, "machine CPU s/GB, tcp x1");
  std::printf("\nforward plugin: iperf3 TCP, 1 stream, %d s; ratios to %s (goodput %.1f Mbit/s, machine CPU %.3f s/GB)\n\n",
              o.seconds, real.label.c_str(), goodput, cpu);
  std::printf("%-52s %14s %10s\n", "metric", "value", "ratio");
  for (const auto& row : rows) {
    const double base = row.isCpu ? cpu : goodput;
    std::printf("%-52s %14.3f", row.metric.c_str(), row.value);
    if (base != 0) std::printf(" %10.3f\n", row.value / base);
    else std::printf(" %10s\n", "-");
  }
  std::fflush(stdout);
}

void writeJson(const std::string& path, const std::vector<Column>& columns, const std::vector<bench::ForwardRow>& forward) {
  Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
  for (const auto& c : columns) {
    Poco::JSON::Object::Ptr values = new Poco::JSON::Object;
    for (const auto& row : c.rows) values->set(row.metric, row.value);
    root->set(c.label, values);
  }
  if (!forward.empty()) {
    Poco::JSON::Object::Ptr values = new Poco::JSON::Object;
    for (const auto& row : forward) values->set(row.metric, row.value);
    root->set("forward", values);
  }
  std::ofstream(path) << toJson(root) << "\n";
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
    printTable(o, columns);
    if (real && !forward.empty()) printForwardTable(o, *real, forward);
    if (!o.jsonPath.empty()) writeJson(o.jsonPath, columns, forward);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "rtk_bench_real: " << e.what() << "\n";
    return 1;
  }
}
