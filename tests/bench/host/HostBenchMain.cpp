// rtk_bench_host: our host (ratatoskr from a conf file) beside the real
// yggdrasil 0.5.12, as processes in network namespaces (HostFigures.hpp):
//
//   rtk_bench_host [--links 1000] [--settle-seconds 3] [--footprint 0|1]
//
// 1. Footprint: RSS, private and anonymous memory (/proc/PID/smaps_rollup)
//    with no peers and with two peers of the same kind.
// 2. Links: threads and memory while each node holds --links real
//    handshaking links on its Listen port (0 skips), and after they close.
// Prints one table per figure with the ratio ours/real. Needs root. Not a
// test: it asserts nothing; numbers only.
#include "HostFigures.hpp"
#include "LinkCrowd.hpp"

#include <ratatoskr/error.hpp>

#include <sys/resource.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

using namespace rtk;
using namespace rtk::bench;

namespace {

struct Options {
  int links = 1000;
  double settleSeconds = 3;
  bool footprint = true;
};

struct Line {
  std::string metric;
  double ours;
  double real;
};

void printTable(const std::string& heading, const std::vector<Line>& lines) {
  std::printf("\n%s\n\n%-44s %12s %12s %8s\n", heading.c_str(), "metric", "ratatoskr", "yggdrasil", "ratio");
  for (const auto& l : lines) {
    std::printf("%-44s %12.2f %12.2f", l.metric.c_str(), l.ours, l.real);
    if (l.real != 0) std::printf(" %8.3f\n", l.ours / l.real);
    else std::printf(" %8s\n", "-");
  }
  std::fflush(stdout);
}

void addMemory(std::vector<Line>& lines, const std::string& when, const ProcMemory& ours, const ProcMemory& real) {
  lines.push_back({"RSS MiB, " + when, ours.rssMiB, real.rssMiB});
  lines.push_back({"private MiB, " + when, ours.privateMiB, real.privateMiB});
  lines.push_back({"anonymous MiB, " + when, ours.anonymousMiB, real.anonymousMiB});
  lines.push_back({"threads, " + when, static_cast<double>(ours.threads), static_cast<double>(real.threads)});
}

// Raises the soft open-files limit to the hard one; returns how many links
// fit (a descriptor each, with room for the rest of the process).
int linksThatFit(int asked) {
  interop::links::raiseFileLimit();
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return asked;
  const rlim_t room = limit.rlim_max > 256 ? limit.rlim_max - 256 : 0;
  if (static_cast<rlim_t>(asked) > room) {
    std::fprintf(stderr, "rtk_bench_host: --links %d does not fit the open-files limit %llu: using %llu\n", asked,
                 static_cast<unsigned long long>(limit.rlim_max), static_cast<unsigned long long>(room));
    return static_cast<int>(room);
  }
  return asked;
}

int usage() {
  std::cerr << "usage: rtk_bench_host [--links N (0..20000, 0 skips)] [--settle-seconds S] [--footprint 0|1]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    for (std::size_t i = 0; i < args.size(); i += 2) {
      if (i + 1 >= args.size()) return usage();
      const std::string& a = args[i];
      const std::string& v = args[i + 1];
      if (a == "--links") o.links = std::stoi(v);
      else if (a == "--settle-seconds") o.settleSeconds = std::stod(v);
      else if (a == "--footprint") o.footprint = v != "0";
      else return usage();
    }
    if (o.links < 0 || o.links > 20000 || o.settleSeconds < 0 || o.settleSeconds > 60) return usage();

    if (o.footprint) {
      const Footprint ours = measureFootprint(NodeKind::Ours, o.settleSeconds);
      const Footprint real = measureFootprint(NodeKind::Real, o.settleSeconds);
      std::vector<Line> lines;
      addMemory(lines, "no peers", ours.noPeers, real.noPeers);
      addMemory(lines, "two peers", ours.twoPeers, real.twoPeers);
      char heading[200];
      std::snprintf(heading, sizeof heading,
                    "idle footprint (/proc/PID/smaps_rollup %.0f s after start with no peers, and %.0f s after two peers of\n"
                    "the same kind are up; those two run in both cases, so file pages are shared alike)",
                    o.settleSeconds, o.settleSeconds);
      printTable(heading, lines);
    }
    if (o.links > 0) {
      const int links = linksThatFit(o.links);
      const LinkScale ours = measureLinkScale(NodeKind::Ours, links, o.settleSeconds);
      const LinkScale real = measureLinkScale(NodeKind::Real, links, o.settleSeconds);
      std::vector<Line> lines;
      lines.push_back({"links handshaken", static_cast<double>(ours.opened), static_cast<double>(real.opened)});
      lines.push_back({"links failed to open", static_cast<double>(ours.failed), static_cast<double>(real.failed)});
      lines.push_back({"links up at the node (getPeers)", static_cast<double>(ours.upAtNode),
                       static_cast<double>(real.upAtNode)});
      lines.push_back({"links the node dropped while held", static_cast<double>(ours.closedByNode),
                       static_cast<double>(real.closedByNode)});
      lines.push_back({"seconds to open them, 8 at a time", ours.openSeconds, real.openSeconds});
      addMemory(lines, "idle", ours.idle, real.idle);
      addMemory(lines, "holding the links", ours.held, real.held);
      addMemory(lines, "after they closed", ours.afterClose, real.afterClose);
      char heading[200];
      std::snprintf(heading, sizeof heading,
                    "%d handshaking links (Yggdrasil 0.5 version handshake, a key each, keepalives) held on the "
                    "node's Listen port",
                    links);
      printTable(heading, lines);
      if (!ours.firstError.empty()) std::printf("ratatoskr, first failure: %s\n", ours.firstError.c_str());
      if (!real.firstError.empty()) std::printf("yggdrasil, first failure: %s\n", real.firstError.c_str());
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "rtk_bench_host: " << e.what() << "\n";
    return 1;
  }
}
