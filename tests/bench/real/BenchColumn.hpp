// One pair's results in rtk_bench_real: plain metric rows, and one CPU row
// per measured run (the process CPU of each node, of the whole pair and of
// the whole machine, each per GB received, all sampled over the run's byte
// window).
// A metric that was not measured is kNotMeasured (printed "-", left out of
// the JSON), never 0.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace rtk::bench {

inline constexpr double kNotMeasured = std::numeric_limits<double>::quiet_NaN();

inline bool measured(double value) { return !std::isnan(value); }

struct Row {
  std::string metric;
  double value;
};

struct CpuRow {
  std::string run;              // "tcp x1", "udp 1200 B", "packets 1280 B"
  double gigabytes = 0;         // received in the run's window
  double senderSPerGB = 0;      // sending node process
  double receiverSPerGB = 0;    // receiving node process
  double pairSPerGB = 0;        // nodes + traffic tools + ksoftirqd threads
  double machineSPerGB = 0;     // /proc/stat busy time, all CPUs
  double nodesSPerGB() const { return senderSPerGB + receiverSPerGB; }
};

struct Column {
  std::string label;
  std::vector<Row> rows;
  std::vector<CpuRow> cpu;
  void add(const std::string& metric, double value) { rows.push_back(Row{metric, value}); }
  // The value of `metric`, kNotMeasured when absent.
  double value(const std::string& metric) const {
    for (const auto& row : rows)
      if (row.metric == metric) return row.value;
    return kNotMeasured;
  }
  const CpuRow* cpuOf(const std::string& run) const {
    for (const auto& row : cpu)
      if (row.run == run) return &row;
    return nullptr;
  }
};

}  // namespace rtk::bench
