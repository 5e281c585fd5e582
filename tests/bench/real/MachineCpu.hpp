// Busy CPU seconds of the whole machine (all CPUs), from /proc/stat: user
// (guests included), nice, system, irq and softirq time; not steal (time
// the hypervisor ran other guests) nor iowait. Differences over a run charge
// everything that run cost, kernel TCP and TUN work included, which per
// process counters miss for the real nodes (their TCP runs in iperf3 and
// softirq). Throws rtk::Error(Protocol) when /proc/stat cannot be read.
#pragma once

namespace rtk::bench {

double machineBusyCpuSeconds();

}  // namespace rtk::bench
