#include "MachineCpu.hpp"

#include <unistd.h>

#include <fstream>
#include <string>

#include <ratatoskr/error.hpp>

namespace rtk::bench {

double machineBusyCpuSeconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  if (!in || cpu != "cpu") throw Error(Errc::Protocol, "bench: cannot read the cpu line of /proc/stat");
  // steal is time the hypervisor gave other guests: not work done here.
  return static_cast<double>(user + nice + system + irq + softirq) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace rtk::bench
