// rtk_interop_reap: removes namespaces, processes and lock files left by
// crashed interop runs (see Reaper.hpp). Live runs are not touched.
// Exit 0 when everything stale was removed, 1 when a removal failed.
#include "Reaper.hpp"
#include "Tools.hpp"

#include <iostream>

int main() {
  using namespace rtk::interop;
  try {
    Tools::requireInteropPrivileges();
    const ReapReport report = Reaper::reapStale();
    std::cout << "stale runs: " << report.runs.size() << ", namespaces removed: " << report.namespaces.size()
              << ", processes killed: " << report.processesKilled << "\n";
    for (const auto& ns : report.namespaces) std::cout << "  removed " << ns << "\n";
    for (const auto& error : report.errors) std::cerr << "  failed " << error << "\n";
    return report.errors.empty() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "rtk_interop_reap: " << e.what() << "\n";
    return 1;
  }
}
