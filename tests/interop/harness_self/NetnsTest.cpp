#include "Lab.hpp"
#include "Netns.hpp"

#include <ratatoskr/error.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <signal.h>

#include <algorithm>
#include <fstream>

using namespace rtk::interop;

class NetnsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NetnsTest);
  CPPUNIT_TEST(namespaceHasOnlyLoopbackAndItIsUp);
  CPPUNIT_TEST(labDestroysNamespacesAndTheirProcesses);
  CPPUNIT_TEST(checkThrowsWithTheCommandsError);
  CPPUNIT_TEST(namesCarryTheRunId);
  CPPUNIT_TEST_SUITE_END();

 public:
  void namespaceHasOnlyLoopbackAndItIsUp() {
    Lab lab("self-netns");
    Netns& ns = lab.addNetns("x");
    CPPUNIT_ASSERT(Netns::exists(ns.name()));
    const RunResult links = ns.check({"ip", "-o", "link", "show"}, 5000);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, static_cast<std::size_t>(std::count(links.out.begin(), links.out.end(), '\n')));
    CPPUNIT_ASSERT(links.out.find("lo:") != std::string::npos);
    CPPUNIT_ASSERT(links.out.find("UP") != std::string::npos);
    CPPUNIT_ASSERT(ns.run({"ping", "-6", "-c", "1", "-W", "2", "::1"}, 5000).ok());
  }

  void labDestroysNamespacesAndTheirProcesses() {
    std::string name;
    pid_t pid = -1;
    {
      Lab lab("self-netns");
      Netns& ns = lab.addNetns("y");
      name = ns.name();
      // Detached from our Subprocess on purpose: only the namespace removal kills it.
      const RunResult r = ns.check({"sh", "-c", "setsid sleep 60 > /dev/null 2>&1 < /dev/null & echo $!"}, 5000);
      pid = static_cast<pid_t>(std::stol(r.out));
      CPPUNIT_ASSERT_EQUAL(0, ::kill(pid, 0));
      CPPUNIT_ASSERT(std::find(ns.pids().begin(), ns.pids().end(), pid) != ns.pids().end());
    }
    CPPUNIT_ASSERT(!Netns::exists(name));
    // Killed by SIGKILL; it may linger as a zombie until init reaps it.
    std::string state;
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
      if (line.rfind("State:", 0) == 0) state = line;
    }
    CPPUNIT_ASSERT(state.empty() || state.find('Z') != std::string::npos);
  }

  void checkThrowsWithTheCommandsError() {
    Lab lab("self-netns");
    Netns& ns = lab.addNetns("z");
    try {
      ns.check({"sh", "-c", "echo broken-on-purpose >&2; exit 4"}, 5000);
      CPPUNIT_FAIL("expected rtk::Error");
    } catch (const rtk::Error& e) {
      const std::string what = e.what();
      CPPUNIT_ASSERT(what.find("exit 4") != std::string::npos);
      CPPUNIT_ASSERT(what.find("broken-on-purpose") != std::string::npos);
      CPPUNIT_ASSERT(what.find(ns.name()) != std::string::npos);
    }
  }

  void namesCarryTheRunId() {
    Lab lab("self-netns");
    Netns& ns = lab.addNetns("w");
    CPPUNIT_ASSERT_EQUAL("rtki-" + lab.runId() + "-w", ns.name());
    CPPUNIT_ASSERT_EQUAL(lab.runId(), RunLock::runIdOf(ns.name()).value_or(""));
    CPPUNIT_ASSERT(!RunLock::runIdOf("rtkx-12345678-w"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NetnsTest);
