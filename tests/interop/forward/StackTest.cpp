// Issue 13 c: ratatoskr-stack, run as yggstack is run, against a real
// yggdrasil 0.5.12 node:
//
//   ratatoskr-stack -useconffile <HJSON from `yggdrasil -genconf`>
//       -remote-tcp 8080:127.0.0.1:8080 -local-tcp 127.0.0.1:2222:[<r>]:22
//       -socks 127.0.0.1:1080
//
// serves both directions (SHA-256 equal on both ends) and SOCKS5 by
// <key>.pk.ygg (the socks plugin, as yggstack's -socks), the address it
// prints with -address is the one the real node reaches, and SIGTERM stops
// it cleanly.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ForwardProbes.hpp"
#include "Lab.hpp"
#include "Tools.hpp"
#include "Trace.hpp"
#include "Transport.hpp"
#include "Wait.hpp"
#include "ratatoskr/address.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

using namespace rtk::interop;
using namespace rtk::interop::forward;

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

void replaceOnce(std::string& text, const std::string& what, const std::string& with) {
  auto at = text.find(what);
  if (at == std::string::npos) throw rtk::Error(rtk::Errc::NotFound, "\"" + what + "\" not in yggdrasil's genconf");
  text.replace(at, what.size(), with);
}

}  // namespace

class StackTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StackTest);
  CPPUNIT_TEST(yggstackCommandLineServesBothWays);
  CPPUNIT_TEST_SUITE_END();

 public:
  void yggstackCommandLineServesBothWays() {
    Lab lab("stack");
    Netns& nsO = lab.addNetns("o");
    Netns& nsR = lab.addNetns("r");
    const VethLink& link = lab.connect(nsR, nsO);
    const std::string oUri = transportUri(Transport::Tcp, link.b().ipv6, 7300);
    NodeSpec rSpec{.name = "r"};
    rSpec.peers = {oUri};
    RealNode& r = lab.addRealNode(rSpec, nsR);
    const std::string rAddress = rtk::formatAddress(rtk::address::addressForKey(*rtk::PublicKey::fromHex(r.publicKey())));

    // yggdrasil's own HJSON, edited only where a test must: a listener on the
    // veth and an admin socket in the lab.
    RunResult genconf = Subprocess::run({Tools::yggdrasil(), "-genconf"}, 20000);
    CPPUNIT_ASSERT_MESSAGE(genconf.describe(), genconf.ok());
    std::string conf = genconf.out;
    replaceOnce(conf, "Listen: []", "Listen: [\n    \"" + oUri + "\"\n  ]");
    const auto adminSocket = lab.file("stack-admin.sock");
    replaceOnce(conf, "  Peers: []", "  AdminListen: unix://" + adminSocket.string() + "\n  Peers: []");
    const auto confPath = lab.file("stack.hjson");
    std::ofstream(confPath) << conf;

    RunResult ours = Subprocess::run({RTK_INTEROP_STACK, "-useconffile", confPath.string(), "-address"}, 20000);
    RunResult theirs = Subprocess::run({Tools::yggdrasil(), "-useconffile", confPath.string(), "-address"}, 20000);
    CPPUNIT_ASSERT_MESSAGE(ours.describe(), ours.ok() && theirs.ok());
    CPPUNIT_ASSERT_EQUAL(trimmed(theirs.out), trimmed(ours.out));
    const std::string oAddress = trimmed(ours.out);

    const auto log = lab.file("stack.log");
    Subprocess stack = nsO.spawn({RTK_INTEROP_STACK, "-useconffile", confPath.string(), "-remote-tcp", "8080:127.0.0.1:8080",
                                  "-local-tcp", "127.0.0.1:2222:[" + rAddress + "]:22", "-socks", "127.0.0.1:1080",
                                  "-plugin-dir", Tools::pluginDir(),
                                  "-logto", log.string(), "-loglevel", "debug"},
                                 lab.file("stack.out").string());
    waitUntil("ratatoskr-stack running", 20000, [&] {
      if (!stack.running()) throw rtk::Error(rtk::Errc::Io, "ratatoskr-stack exited: " + slurp(log));
      return slurp(log).find("running; stop with SIGINT or SIGTERM") != std::string::npos;
    });
    r.start();
    Yggctl ctl("unix://" + adminSocket.string());
    waitUntil("r peers with ratatoskr-stack", 30000, [&] {
      auto peers = ctl.getPeers()->getArray("peers");
      return peers && peers->size() == 1 && peers->getObject(0)->getValue<bool>("up");
    });

    auto out = forwardedTransfer(nsO, "127.0.0.1", 2222, nsR, r.address(), 22, 16u << 20, 60000, lab.dir());
    trace("-local-tcp: " + std::to_string(out.bytesReceived) + " bytes to r's port 22, " + std::to_string(out.megabitsPerSecond()) +
          " Mbit/s");
    CPPUNIT_ASSERT_MESSAGE("-local-tcp transfer not intact", out.intact() && out.bytesReceived == (16u << 20));
    auto in = forwardedTransfer(nsR, oAddress, 8080, nsO, "127.0.0.1", 8080, 16u << 20, 60000, lab.dir());
    trace("-remote-tcp: " + std::to_string(in.bytesReceived) + " bytes from r's kernel, " + std::to_string(in.megabitsPerSecond()) +
          " Mbit/s");
    CPPUNIT_ASSERT_MESSAGE("-remote-tcp transfer not intact", in.intact() && in.bytesReceived == (16u << 20));

    // -socks: curl in o's namespace fetches a file from r's TUN address by
    // r's <key>.pk.ygg name through the stack's SOCKS5 listener.
    const auto www = lab.file("www");
    std::filesystem::create_directory(www);
    std::ofstream(www / "hello.txt") << "through ratatoskr-stack -socks\n";
    Subprocess http = nsR.spawn({"python3", "-m", "http.server", "8081", "--bind", rAddress, "--directory", www.string()},
                                lab.file("http.log").string());
    waitUntil("http.server on r's TUN address", 20000, [&] {
      return nsR.run({"curl", "-sf", "-g", "-o", "/dev/null", "http://[" + rAddress + "]:8081/hello.txt"}, 5000).ok();
    });
    RunResult viaSocks = nsO.run({"curl", "-sS", "--fail", "--max-time", "20", "--socks5-hostname", "127.0.0.1:1080",
                                  "http://" + r.publicKey() + ".pk.ygg:8081/hello.txt"},
                                 30000);
    CPPUNIT_ASSERT_MESSAGE(viaSocks.describe(), viaSocks.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("through ratatoskr-stack -socks\n"), viaSocks.out);

    ExitStatus status = stack.terminate(10000);
    const std::string text = slurp(log);
    CPPUNIT_ASSERT_MESSAGE(status.describe() + "\n" + text, status.success());
    CPPUNIT_ASSERT_MESSAGE(text, text.find("forwarding RemoteTCP :8080 -> 127.0.0.1:8080") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(text, text.find("plugins: stopped") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StackTest);
