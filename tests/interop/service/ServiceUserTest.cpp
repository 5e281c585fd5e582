// Issue 16 b: the host started the way the systemd unit starts it, by hand
// (systemd is not PID 1 on CI machines):
//
//   r (real yggdrasil 0.5.12, TUN) --tcp-- o (our host as uid 61185)
//
// uid 61185 has no passwd entry, like a DynamicUser= uid. The process has
// that uid, no effective or bounding capabilities and no_new_privs; its admin
// socket is its own and closed to everybody else; it peers with r, and r's
// kernel reaches o's address through the overlay.
#include <cppunit/extensions/HelperMacros.h>

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <sstream>

#include "OurAndReal.hpp"
#include "Ping.hpp"
#include "Trace.hpp"
#include "Wait.hpp"

using namespace rtk::interop;

namespace {

constexpr unsigned kServiceUid = 61185;

// "Name:\tvalue" lines of /proc/<pid>/status.
std::map<std::string, std::string> processStatus(pid_t pid) {
  std::map<std::string, std::string> fields;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    fields[line.substr(0, colon)] = value;
  }
  return fields;
}

}  // namespace

class ServiceUserTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ServiceUserTest);
  CPPUNIT_TEST(unprivilegedHostPeersWithARealNode);
  CPPUNIT_TEST_SUITE_END();

 public:
  void unprivilegedHostPeersWithARealNode() {
    Lab lab("service");
    OurAndRealPlan plan = planOurAndReal(lab, 7410);
    plan.oSpec.runAsUid = kServiceUid;
    RealNode& r = lab.addRealNode(plan.rSpec, plan.nsR);
    OurNode& o = lab.addOurNode(plan.oSpec, plan.nsO);
    o.start();
    r.start();

    const auto status = processStatus(o.pid());
    trace("o: Uid " + status.at("Uid") + ", CapEff " + status.at("CapEff") + ", CapBnd " + status.at("CapBnd") +
          ", NoNewPrivs " + status.at("NoNewPrivs"));
    const std::string id = std::to_string(kServiceUid);
    CPPUNIT_ASSERT_EQUAL(id + "\t" + id + "\t" + id + "\t" + id, status.at("Uid"));
    CPPUNIT_ASSERT_EQUAL(id + "\t" + id + "\t" + id + "\t" + id, status.at("Gid"));
    CPPUNIT_ASSERT_EQUAL(std::string("0000000000000000"), status.at("CapEff"));
    CPPUNIT_ASSERT_EQUAL(std::string("0000000000000000"), status.at("CapBnd"));
    CPPUNIT_ASSERT_EQUAL(std::string("1"), status.at("NoNewPrivs"));

    struct stat sock {};
    CPPUNIT_ASSERT_EQUAL(0, ::stat(o.adminSocketPath().c_str(), &sock));
    CPPUNIT_ASSERT_EQUAL(kServiceUid, static_cast<unsigned>(sock.st_uid));
    CPPUNIT_ASSERT_MESSAGE("admin socket open to group or others", (sock.st_mode & 0077) == 0);

    waitOnePeerUp(o, 30000);
    // The first echo may be lost while r looks the path up.
    waitUntil("r reaches o's address", 20000, [&] { return ping6(plan.nsR, o.address(), PingOptions{1, 2000, 0.2, 56}).allReceived(); });
    PingResult ping = ping6(plan.nsR, o.address(), PingOptions{5, 10000, 0.2, 56});
    trace("ping6 r -> o (unprivileged host): " + std::to_string(ping.received) + "/" + std::to_string(ping.sent));
    CPPUNIT_ASSERT_MESSAGE(ping.run.describe(), ping.allReceived());
    // --log-format journal: "<level>subsystem: message", no timestamps.
    const std::string log = o.logTail(200);
    CPPUNIT_ASSERT_MESSAGE(log, log.find("\n<6>") != std::string::npos || log.rfind("<6>", 0) == 0);
    o.stop();
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ServiceUserTest);
