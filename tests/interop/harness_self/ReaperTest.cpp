#include "Lab.hpp"
#include "Reaper.hpp"
#include "Subprocess.hpp"
#include "Tools.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace rtk::interop;

namespace {


bool aliveNotZombie(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("State:", 0) == 0) return line.find('Z') == std::string::npos;
  }
  return false;
}

// Leaves what a crashed run leaves: a namespace with a process inside and a
// lock file nobody holds. The run id is made up and never handed out by
// RunLock (it is not hex).
struct CrashedRun {
  std::string runId = "zzreap00";
  std::string netns = "rtki-zzreap00-n0";
  pid_t pid = -1;

  CrashedRun() {
    Subprocess::run({Tools::ip(), "netns", "add", netns}, 5000);
    const RunResult r = Subprocess::run(
        {Tools::ip(), "netns", "exec", netns, "sh", "-c", "setsid sleep 120 > /dev/null 2>&1 < /dev/null & echo $!"},
        5000);
    pid = static_cast<pid_t>(std::stol(r.out));
    std::filesystem::create_directories(RunLock::kLockDir);
    std::ofstream(RunLock::lockPath(runId)) << "crashed\n";
  }
};

}  // namespace

class ReaperTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ReaperTest);
  CPPUNIT_TEST(removesStaleRunsAndTheirProcesses);
  CPPUNIT_TEST(keepsNamespacesOfLiveRuns);
  CPPUNIT_TEST(labConstructionReaps);
  CPPUNIT_TEST_SUITE_END();

 public:
  void removesStaleRunsAndTheirProcesses() {
    Tools::requireInteropPrivileges();
    CrashedRun crashed;
    CPPUNIT_ASSERT(Netns::exists(crashed.netns));
    CPPUNIT_ASSERT(aliveNotZombie(crashed.pid));
    const ReapReport report = Reaper::reapStale();
    CPPUNIT_ASSERT(std::find(report.namespaces.begin(), report.namespaces.end(), crashed.netns) !=
                   report.namespaces.end());
    CPPUNIT_ASSERT(std::find(report.runs.begin(), report.runs.end(), crashed.runId) != report.runs.end());
    CPPUNIT_ASSERT(report.processesKilled >= 1);
    CPPUNIT_ASSERT(!Netns::exists(crashed.netns));
    CPPUNIT_ASSERT(!aliveNotZombie(crashed.pid));
    CPPUNIT_ASSERT(!std::filesystem::exists(RunLock::lockPath(crashed.runId)));
  }

  void keepsNamespacesOfLiveRuns() {
    Lab lab("self-reaper");
    Netns& ns = lab.addNetns("live");
    const ReapReport report = Reaper::reapStale();
    CPPUNIT_ASSERT(std::find(report.runs.begin(), report.runs.end(), lab.runId()) == report.runs.end());
    CPPUNIT_ASSERT(Netns::exists(ns.name()));
    CPPUNIT_ASSERT(std::filesystem::exists(RunLock::lockPath(lab.runId())));
  }

  void labConstructionReaps() {
    Tools::requireInteropPrivileges();
    CrashedRun crashed;
    Lab lab("self-reaper");
    CPPUNIT_ASSERT(!Netns::exists(crashed.netns));
    CPPUNIT_ASSERT(!aliveNotZombie(crashed.pid));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ReaperTest);
