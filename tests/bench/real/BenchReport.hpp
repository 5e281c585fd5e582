// The tables and JSON of rtk_bench_real: the metric table (one column per
// pair, ratio ours/real when two pairs ran), the CPU table (per run: each
// node's process CPU and the whole machine's busy CPU per GB received) and
// the forward plugin's rows as ratios to the real pair's single stream.
#pragma once

#include "BenchColumn.hpp"
#include "ForwardBench.hpp"

#include <string>
#include <vector>

namespace rtk::bench {

void printMetricTable(const std::string& heading, const std::vector<Column>& columns);
void printCpuTable(const std::vector<Column>& columns);
void printForwardTable(int seconds, const Column& real, const std::vector<ForwardRow>& rows);
void writeJson(const std::string& path, const std::vector<Column>& columns, const std::vector<ForwardRow>& forward);

}  // namespace rtk::bench
