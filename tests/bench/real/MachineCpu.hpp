// CPU counters for charging a run's whole cost, beyond the node processes.
//
// machineBusyCpuSeconds: busy time of all CPUs from /proc/stat (user with
// guests, nice, system, irq, softirq; not idle, iowait or steal, the time
// the hypervisor ran other guests). Counts everything a run cost, kernel
// TCP and TUN work included, and everything else running on the machine.
//
// softirqThreadsCpuSeconds: CPU of the ksoftirqd/N kernel threads (network
// receive work the kernel defers to them instead of running it in the
// context of the task that raised it).
//
// reapedChildrenCpuSeconds: CPU of this process's children that have been
// waited for (getrusage RUSAGE_CHILDREN): iperf3 clients, ping6.
//
// Throws rtk::Error(Protocol) when /proc/stat cannot be read.
#pragma once

namespace rtk::bench {

double machineBusyCpuSeconds();
double softirqThreadsCpuSeconds();
double reapedChildrenCpuSeconds();

}  // namespace rtk::bench
