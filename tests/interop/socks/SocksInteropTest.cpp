// Issue 12: the socks plugin against real programs. Our host runs as a
// separate process from its conf, with the socks plugin enabled; a real
// yggdrasil 0.5.12 node with TUN serves files (python3 http.server) and
// names (dnsmasq) on its overlay address.
//
//   r (real, TUN: http.server [R]:8080, dnsmasq [R]:53) --tcp-- o (our host; socks plugin)
//                                                                  ^ curl / python clients in o's namespace
//
// 1. curl --socks5-hostname downloads a file by [R], by <key>.pk.ygg and by
//    a name dnsmasq serves; curl -x http://… (HTTP CONNECT); curl through
//    the Unix socket listener: SHA-256 equal each time.
// 2. Bad input (socks_checks.py): each answered with its reply code or
//    closed, each with a log line, and the proxy still serves.
// 3. 500 clients hold half a greeting while curl downloads: the download
//    completes, the oldest half handshakes were closed to make room, and the
//    host gained no thread per held client.
// 4. UDP ASSOCIATE (udp_associate.py): 1 000 numbered datagrams to a socat
//    UDP echo on r's TUN address come back through the relay; by name the
//    replies keep the name header; datagrams from another source are dropped.
// 5. The split dialer: o restarted with SystemProxy on; one proxy serves a
//    name only the system resolver knows (localhost, dialled directly) and
//    <key>.pk.ygg (through the node).
#include <cppunit/extensions/HelperMacros.h>

#include <sys/stat.h>

#include <csignal>

#include <fstream>
#include <map>
#include <sstream>

#include "Json.hpp"
#include "Lab.hpp"
#include "ProcStats.hpp"
#include "Trace.hpp"
#include "Transport.hpp"
#include "Wait.hpp"
#include "ratatoskr/address.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

using namespace rtk::interop;

namespace {

constexpr int kHttpPort = 8080;
constexpr int kEchoPort = 7000;
constexpr long kFileBytes = 100L << 20;
const std::string kClients = RTK_SOCKS_CLIENTS_DIR;

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string addressOfKey(const std::string& keyHex) {
  return rtk::formatAddress(rtk::address::addressForKey(*rtk::PublicKey::fromHex(keyHex)));
}

Poco::JSON::Object::Ptr jsonObject(std::initializer_list<std::pair<std::string, Poco::Dynamic::Var>> members) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  for (const auto& [k, v] : members) o->set(k, v);
  return o;
}

Poco::JSON::Array::Ptr jsonArray(std::initializer_list<std::string> items) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (const auto& i : items) a->add(i);
  return a;
}

}  // namespace

class SocksInteropTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SocksInteropTest);
  CPPUNIT_TEST(clientsReachARealNodeThroughTheProxy);
  CPPUNIT_TEST_SUITE_END();

 public:
  void clientsReachARealNodeThroughTheProxy() {
    Lab lab("socks");
    Netns& nsO = lab.addNetns("o");
    Netns& nsR = lab.addNetns("r");
    const VethLink& link = lab.connect(nsR, nsO);
    const std::string oUri = transportUri(Transport::Tcp, link.b().ipv6, 7300);

    NodeSpec rSpec{.name = "r"};
    rSpec.peers = {oUri};
    RealNode& r = lab.addRealNode(rSpec, nsR);
    const std::string rAddress = addressOfKey(r.publicKey());
    const std::string rName = r.publicKey() + ".pk.ygg";

    const std::filesystem::path socketDir = lab.file("socks");
    std::filesystem::create_directory(socketDir);
    ::chmod(socketDir.c_str(), 0700);
    const std::string unixSocket = (socketDir / "socks.sock").string();

    NodeSpec oSpec{.name = "o"};
    oSpec.listen = {oUri};
    oSpec.plugins = jsonObject({{"Enabled", jsonArray({"socks"})}});
    oSpec.modules = jsonObject({{"socks", jsonObject({{"Listen", jsonArray({"127.0.0.1:1080", unixSocket})},
                                                      {"HttpListen", jsonArray({"127.0.0.1:8118"})},
                                                      {"Nameserver", "[" + rAddress + "]:53"}})}});
    OurNode& o = lab.addOurNode(oSpec, nsO);
    r.start();
    o.start();
    waitUntil("r and o peered", 30000, [&] {
      auto peers = o.ctl().getPeers()->getArray("peers");
      return peers && peers->size() == 1 && peers->getObject(0)->getValue<bool>("up");
    });

    // The real node's services on its TUN address.
    const std::filesystem::path www = lab.file("www");
    std::filesystem::create_directory(www);
    const std::string blob = (www / "blob.bin").string();
    RunResult made = Subprocess::run({"sh", "-c", "head -c " + std::to_string(kFileBytes) + " /dev/urandom > " + blob +
                                                      " && sha256sum " + blob}, 30000);
    CPPUNIT_ASSERT_MESSAGE(made.describe(), made.ok());
    const std::string expected = made.out.substr(0, 64);
    Subprocess http = nsR.spawn({"python3", "-m", "http.server", std::to_string(kHttpPort), "--bind", rAddress,
                                 "--directory", www.string()},
                                lab.file("http.log").string());
    Subprocess dns = nsR.spawn({"dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
                                "--bind-interfaces", "--listen-address=" + rAddress, "--port=53", "--user=root",
                                "--pid-file=" + lab.file("dnsmasq.pid").string(), "--local=/test.ygg/",
                                "--host-record=files.test.ygg," + rAddress, "--host-record=clear.test.ygg,2001:db8::1",
                                "--log-queries", "--log-facility=-"},
                               lab.file("dnsmasq.log").string());
    // One child per datagram (RECVFROM + fork), so each comes back alone.
    Subprocess udpEcho = nsR.spawn({"socat", "-T", "0.2", "UDP6-RECVFROM:" + std::to_string(kEchoPort) + ",bind=[" + rAddress + "],fork",
                                    "PIPE"},
                                   lab.file("socat.log").string());
    waitUntil("http.server on r's TUN address", 20000, [&] {
      return nsR.run({"curl", "-sf", "-g", "-o", "/dev/null", "http://[" + rAddress + "]:" + std::to_string(kHttpPort) + "/"}, 5000).ok();
    });
    waitUntil("dnsmasq on r's TUN address", 20000, [&] {
      RunResult probe = nsR.run({"python3", kClients + "/dns_probe.py", rAddress, "files.test.ygg"}, 5000);
      return probe.ok() && probe.out.find(rAddress) != std::string::npos;
    });

    // --- 1. downloads, five ways.
    auto download = [&](const std::string& what, const std::string& curlArgs) {
      const std::string command = "set -o pipefail; curl -sS -g --fail --max-time 60 " + curlArgs + " | sha256sum";
      RunResult got = nsO.run({"bash", "-c", command}, 90000);
      CPPUNIT_ASSERT_MESSAGE(what + ": " + got.describe(), got.ok());
      const double mib = static_cast<double>(kFileBytes) / (1 << 20);
      trace(what + ": " + std::to_string(static_cast<int>(mib)) + " MiB in " + std::to_string(got.seconds) + " s (" +
            std::to_string(static_cast<int>(mib / got.seconds)) + " MiB/s)");
      CPPUNIT_ASSERT_EQUAL_MESSAGE(what, expected, got.out.substr(0, 64));
    };
    const std::string path = ":" + std::to_string(kHttpPort) + "/blob.bin";
    download("SOCKS5 by [address]", "--socks5-hostname 127.0.0.1:1080 http://[" + rAddress + "]" + path);
    download("SOCKS5 by <key>.pk.ygg", "--socks5-hostname 127.0.0.1:1080 http://" + rName + path);
    download("SOCKS5 by a dnsmasq name", "--socks5-hostname 127.0.0.1:1080 http://files.test.ygg" + path);
    download("HTTP CONNECT by name", "-p -x http://127.0.0.1:8118 http://files.test.ygg" + path);
    download("SOCKS5 over the Unix socket", "-x socks5h://localhost" + unixSocket + " http://" + rName + path);
    CPPUNIT_ASSERT_EQUAL(0700, static_cast<int>(std::filesystem::status(socketDir).permissions()) & 0777);
    struct stat st {};
    CPPUNIT_ASSERT_EQUAL(0, ::lstat(unixSocket.c_str(), &st));
    CPPUNIT_ASSERT_EQUAL(0600, static_cast<int>(st.st_mode & 0777));

    // --- 2. bad input, one connection each.
    RunResult checks = nsO.run({"python3", kClients + "/socks_checks.py", "127.0.0.1", "1080", rAddress}, 120000);
    CPPUNIT_ASSERT_MESSAGE(checks.describe(), checks.ok());
    trace("bad input:\n" + checks.out);
    std::map<std::string, std::string> results;
    std::istringstream lines(checks.out);
    for (std::string name, result; lines >> name >> result;) results[name] = result;
    const std::map<std::string, std::string> want = {
        {"garbage", "closed"},           {"socks4", "closed"},           {"truncated", "closed"},
        {"bind", "0x07"},                {"unknown-command", "0x07"},    {"bad-address-type", "0x08"},
        {"ipv4-not-yggdrasil", "0x03"},  {"pk-ygg-63-hex", "0x04"},      {"pk-ygg-subdomain", "0x04"},
        {"name-outside-200", "0x04"},    {"name-nxdomain", "0x04"},      {"refused", "0x05"}};
    for (const auto& [name, result] : want) CPPUNIT_ASSERT_EQUAL_MESSAGE(name, result, results[name]);
    const std::string log = readFile(o.logPath());
    for (const char* line : {"not SOCKS5: the greeting starts with 0x47", "not SOCKS5: the greeting starts with 0x04",
                             "in the middle of its handshake", "BIND is not supported", "command 9 is not supported",
                             "address type 0x09", "10.77.0.1:80 is not on the Yggdrasil network",
                             "expected 64 hex digits before .pk.ygg, found 63", "subdomains of a .pk.ygg name",
                             "resolves only outside 200::/7 (to 2001:db8::1)", "no such name (NXDOMAIN)",
                             "(reply: connection refused)"}) {
      CPPUNIT_ASSERT_MESSAGE(std::string("o's log lacks: ") + line, log.find(line) != std::string::npos);
    }

    // --- 3. 500 half handshakes held while a real client downloads.
    const ProcStats before = ProcStats::read(o.pid());
    Subprocess slow = nsO.spawn({"python3", "-u", kClients + "/slowloris.py", "127.0.0.1", "1080", "500"},
                                lab.file("slowloris.log").string());
    waitUntil("500 half handshakes held", 30000, [&] { return readFile(lab.file("slowloris.log")).find("holding 500") != std::string::npos; });
    const ProcStats holding = ProcStats::read(o.pid());
    download("SOCKS5 by <key>.pk.ygg beside 500 half handshakes", "--socks5-hostname 127.0.0.1:1080 http://" + rName + path);
    slow.signalGroup(SIGTERM);
    slow.waitFor(10000);
    auto snapshot = o.ctl().call("getSocks");
    trace("o before: " + before.describe() + "; holding 500: " + holding.describe() + "; " +
          readFile(lab.file("slowloris.log")));
    trace("getSocks: evicted_handshakes " + snapshot->get("evicted_handshakes").toString() + ", tunnels_opened " +
          snapshot->get("tunnels_opened").toString() + ", handshake_failures " + snapshot->get("handshake_failures").toString());
    CPPUNIT_ASSERT_MESSAGE("threads " + std::to_string(before.threads) + " -> " + std::to_string(holding.threads),
                           holding.threads <= before.threads + 2);
    CPPUNIT_ASSERT(snapshot->getValue<long>("evicted_handshakes") >= 500 - 256);
    CPPUNIT_ASSERT_EQUAL(6L, snapshot->getValue<long>("tunnels_opened"));
    CPPUNIT_ASSERT_EQUAL(3, static_cast<int>(snapshot->getArray("listen")->size()));
    CPPUNIT_ASSERT(snapshot->getObject("resolver")->getValue<long>("lookups") >= 1);

    // --- 4. UDP ASSOCIATE.
    RunResult udp = nsO.run({"python3", kClients + "/udp_associate.py", "127.0.0.1", "1080", rAddress,
                             std::to_string(kEchoPort), "files.test.ygg"}, 120000);
    if (!udp.ok()) {
      // What the proxy and the echo saw, for a failure that does not
      // reproduce on demand (one CI run: no datagram came back at all).
      trace("UDP ASSOCIATE failed; getSocks: " + toJson(o.ctl().call("getSocks"), 0) +
            "; echo (socat) running: " + (udpEcho.running() ? "yes" : "no") + "; " + readFile(lab.file("socat.log")));
    }
    CPPUNIT_ASSERT_MESSAGE(udp.describe(), udp.ok());
    trace("UDP ASSOCIATE (" + std::to_string(udp.seconds) + " s): " + udp.out);
    std::map<std::string, std::string> udpResults;
    std::istringstream udpLines(udp.out);
    for (std::string line; std::getline(udpLines, line);) {
      std::istringstream words(line);
      std::string key, value;
      words >> key >> value;
      if (key == "numbered") words >> key >> value;  // "numbered 1000 back <n> ..."
      udpResults[key] = value;
    }
    CPPUNIT_ASSERT_EQUAL(std::string("1000"), udpResults["back"]);
    CPPUNIT_ASSERT_EQUAL(std::string("10"), udpResults["by-name"]);
    CPPUNIT_ASSERT_EQUAL(std::string("0"), udpResults["other-source"]);
    // MaxConnections changed while running, with the real yggdrasilctl.
    auto set = o.ctl().call("setSocksMaxConnections", {{"max", "300"}});
    CPPUNIT_ASSERT_EQUAL(300L, set->getValue<long>("max_connections"));
    auto afterUdp = o.ctl().call("getSocks");
    CPPUNIT_ASSERT_EQUAL(300L, afterUdp->getValue<long>("max_connections"));
    CPPUNIT_ASSERT(afterUdp->getValue<long>("dropped_associate_packets") >= 5);
    CPPUNIT_ASSERT_EQUAL(1L, afterUdp->getValue<long>("associations_opened"));

    // --- 5. SystemProxy: the same proxy for this machine's names and Yggdrasil.
    o.mutableSpec().modules->getObject("socks")->set("SystemProxy", true);
    o.restart();
    waitUntil("r and o peered again", 30000, [&] {
      auto peers = o.ctl().getPeers()->getArray("peers");
      return peers && peers->size() == 1 && peers->getObject(0)->getValue<bool>("up");
    });
    Subprocess local = nsO.spawn({"python3", "-m", "http.server", "8081", "--bind", "127.0.0.1", "--directory", www.string()},
                                 lab.file("http-local.log").string());
    waitUntil("http.server on o's loopback", 20000, [&] {
      return nsO.run({"curl", "-sf", "-o", "/dev/null", "http://127.0.0.1:8081/"}, 5000).ok();
    });
    download("SystemProxy: localhost via the system resolver, direct", "--socks5-hostname 127.0.0.1:1080 http://localhost:8081/blob.bin");
    download("SystemProxy: <key>.pk.ygg through the node", "--socks5-hostname 127.0.0.1:1080 http://" + rName + path);
    auto split = o.ctl().call("getSocks");
    CPPUNIT_ASSERT_EQUAL(2L, split->getValue<long>("tunnels_opened"));

    o.stop();
    CPPUNIT_ASSERT_MESSAGE("the Unix socket is removed at stop", !std::filesystem::exists(unixSocket));
    const std::string finalLog = readFile(o.logPath());
    CPPUNIT_ASSERT_MESSAGE("a sanitizer report in o's log", finalLog.find("Sanitizer") == std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SocksInteropTest);
