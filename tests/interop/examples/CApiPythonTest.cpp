// Issue 15 d: the C API's Python ctypes client (examples/c-api/python) starts
// a node through librtkc.so, peers with a real yggdrasil node and fetches a
// page from a python http.server bound to the real node's TUN address, once
// by address and once by the real node's <key>.pk.ygg name.
#include "Lab.hpp"
#include "Trace.hpp"
#include "Wait.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <fstream>

using namespace rtk::interop;

class CApiPythonTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CApiPythonTest);
  CPPUNIT_TEST(pythonClientFetchesPageFromRealNode);
  CPPUNIT_TEST_SUITE_END();

 public:
  void pythonClientFetchesPageFromRealNode() {
    Lab lab("ex-capi");
    Netns& realNs = lab.addNetns("real");
    Netns& pyNs = lab.addNetns("py");
    const VethLink& link = lab.connect(realNs, pyNs);
    NodeSpec spec;
    spec.name = "real";
    spec.listen = {"tcp://[::]:7100"};
    RealNode& real = lab.addRealNode(spec, realNs);
    real.start();

    const auto www = lab.dir() / "www";
    std::filesystem::create_directories(www);
    const std::string page = "hello over yggdrasil from " + real.address() + ", through ctypes\n";
    std::ofstream(www / "hello.txt", std::ios::binary) << page;
    Subprocess server = realNs.spawn(
        {"python3", "-m", "http.server", "8000", "--bind", real.address(), "--directory", www.string()},
        lab.file("http-server.log").string());
    waitUntil("http.server listening", 15000, [&] {
      return realNs.run({"curl", "-g", "-s", "-o", "/dev/null", "http://[" + real.address() + "]:8000/"}, 3000).ok();
    });

    const std::string peer = "tcp://[" + link.a().ipv6 + "]:7100";
    for (const std::string& host : {"[" + real.address() + "]", real.publicKey() + ".pk.ygg"}) {
      const RunResult fetch = pyNs.run({"python3", RTK_EXAMPLE_RTKC_FETCH, "--lib", RTK_EXAMPLE_RTKC_LIB, "--peer", peer,
                                        "--timeout", "20", "http://" + host + ":8000/hello.txt"},
                                       40000);
      trace("fetch.py " + host + ": " + fetch.describe() + " in " + std::to_string(fetch.seconds) + " s");
      CPPUNIT_ASSERT_MESSAGE(fetch.describe() + "\n" + fetch.err, fetch.ok());
      CPPUNIT_ASSERT_EQUAL(page, fetch.out);
      // The peer list came through rtkc_peers_json with the real node's key.
      CPPUNIT_ASSERT_MESSAGE(fetch.err, fetch.err.find("peer up: " + peer + " (" + real.publicKey() + ")") !=
                                            std::string::npos);
    }
    server.terminate(2000);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CApiPythonTest);
