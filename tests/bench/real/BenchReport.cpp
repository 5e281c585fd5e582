#include "BenchReport.hpp"

#include "Json.hpp"

#include <cstdio>
#include <fstream>

namespace rtk::bench {

namespace {

void printValue(double value, int width) {
  if (measured(value)) std::printf(" %*.3f", width, value);
  else std::printf(" %*s", width, "-");
}

// ours / real, "-" when either is unmeasured or real is 0.
void printRatio(double real, double ours, int width) {
  if (measured(real) && measured(ours) && real != 0) std::printf(" %*.3f", width, ours / real);
  else std::printf(" %*s", width, "-");
}

}  // namespace

void printMetricTable(const std::string& heading, const std::vector<Column>& columns) {
  std::printf("\n%s\n\n%-42s", heading.c_str(), "metric");
  for (const auto& c : columns) std::printf(" %14s", c.label.c_str());
  if (columns.size() == 2) std::printf(" %10s", "ratio");
  std::printf("\n");
  for (std::size_t i = 0; i < columns.front().rows.size(); ++i) {
    std::printf("%-42s", columns.front().rows[i].metric.c_str());
    for (const auto& c : columns) printValue(c.rows[i].value, 14);
    if (columns.size() == 2) printRatio(columns[0].rows[i].value, columns[1].rows[i].value, 10);
    std::printf("\n");
  }
  std::fflush(stdout);
}

void printCpuTable(const std::vector<Column>& columns) {
  std::printf("\nCPU seconds per GB received, sampled over exactly the interval whose bytes are counted.\n"
              "n-s / n-r: the sending / receiving node process. pair: both nodes + iperf3 (server and clients)\n"
              "+ the ksoftirqd threads. mach: /proc/stat busy time of all CPUs, other tenants included.\n\n%-16s",
              "run");
  for (const auto& c : columns) {
    const std::string p = c.label.substr(0, 4);
    std::printf(" %8s %8s %8s %8s", (p + " n-s").c_str(), (p + " n-r").c_str(), (p + " pair").c_str(),
                (p + " mach").c_str());
  }
  if (columns.size() == 2) std::printf(" %8s %8s %8s", "r.nodes", "r.pair", "r.mach");
  std::printf("\n");
  for (const auto& row : columns.front().cpu) {
    std::printf("%-16s", row.run.c_str());
    std::vector<const CpuRow*> found;
    for (const auto& c : columns) {
      const CpuRow* r = c.cpuOf(row.run);
      found.push_back(r);
      printValue(r ? r->senderSPerGB : kNotMeasured, 8);
      printValue(r ? r->receiverSPerGB : kNotMeasured, 8);
      printValue(r ? r->pairSPerGB : kNotMeasured, 8);
      printValue(r ? r->machineSPerGB : kNotMeasured, 8);
    }
    if (columns.size() == 2 && found[0] && found[1]) {
      printRatio(found[0]->nodesSPerGB(), found[1]->nodesSPerGB(), 8);
      printRatio(found[0]->pairSPerGB, found[1]->pairSPerGB, 8);
      printRatio(found[0]->machineSPerGB, found[1]->machineSPerGB, 8);
    }
    std::printf("\n");
  }
  if (columns.size() == 2) std::printf("(ratios ours/real: r.nodes of n-s + n-r, r.pair, r.mach)\n");
  std::fflush(stdout);
}

void printForwardTable(int seconds, const Column& real, const std::vector<ForwardRow>& rows) {
  const double goodput = real.value("TCP goodput, 1 stream (Mbit/s)");
  const CpuRow* tcp1 = real.cpuOf("tcp x1");
  const double cpu = tcp1 ? tcp1->machineSPerGB : kNotMeasured;
  std::printf("\nforward plugin: iperf3 TCP, 1 stream, %d s; ratios to %s (goodput %.1f Mbit/s, machine CPU %.3f s/GB)\n\n",
              seconds, real.label.c_str(), goodput, cpu);
  std::printf("%-52s %14s %10s\n", "metric", "value", "ratio");
  for (const auto& row : rows) {
    std::printf("%-52s", row.metric.c_str());
    printValue(row.value, 14);
    printRatio(row.isCpu ? cpu : goodput, row.value, 10);
    std::printf("\n");
  }
  std::fflush(stdout);
}

void writeJson(const std::string& path, const std::vector<Column>& columns, const std::vector<ForwardRow>& forward) {
  Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
  for (const auto& c : columns) {
    Poco::JSON::Object::Ptr values = new Poco::JSON::Object;
    for (const auto& row : c.rows)
      if (measured(row.value)) values->set(row.metric, row.value);
    for (const auto& row : c.cpu) {
      values->set("CPU s/GB sender node, " + row.run, row.senderSPerGB);
      values->set("CPU s/GB receiver node, " + row.run, row.receiverSPerGB);
      values->set("pair CPU s/GB, " + row.run, row.pairSPerGB);
      values->set("machine CPU s/GB, " + row.run, row.machineSPerGB);
    }
    root->set(c.label, values);
  }
  if (!forward.empty()) {
    Poco::JSON::Object::Ptr values = new Poco::JSON::Object;
    for (const auto& row : forward) values->set(row.metric, row.value);
    root->set("forward", values);
  }
  std::ofstream(path) << interop::toJson(root) << "\n";
}

}  // namespace rtk::bench
