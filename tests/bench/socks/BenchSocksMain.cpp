// rtk_bench_socks — the socks plugin at scale, in one run (issue 12 d).
//
//   t (real, TUN) --tcp-- r (real, TUN: bench_servers.py on [R]) --tcp-- o (our host, socks plugin)
//
//   i (our node in this process, rtk::Node) --tcp-- r
//
// 1. Goodput of one download of --mib MiB from r: through our SOCKS proxy
//    (curl in o's namespace), through an in-process dial (node i's own
//    dial("tcp") in this process: the node without the proxy) and over the
//    real TUN pair (curl in t's namespace to r's overlay address), and the
//    ratios.
// 2. --connections SOCKS connections to an echo on r opened --step at a
//    time and held (bench_hold.py), with MaxConnections set above them: the
//    host's threads, fds and RSS after each step, and per 1 000.
//
//   sudo build/<dir>/tests/bench/socks/rtk_bench_socks [--connections 2000] [--step 500] [--mib 1024]
//
// Tunnels are relayed by a fixed set of threads (plugins/socks/README.md,
// "Threads and scale"): the host's threads stay flat as connections grow.
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "InProcessNode.hpp"
#include "Lab.hpp"
#include "ProcStats.hpp"
#include "Trace.hpp"
#include "Transport.hpp"
#include "Wait.hpp"
#include "ratatoskr/address.hpp"
#include "ratatoskr/net.hpp"

using namespace rtk::interop;

namespace {

constexpr int kHoldPort = 7001;
constexpr int kBytesPort = 7002;
const std::string kScripts = RTK_BENCH_SOCKS_SCRIPTS;

std::string readText(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Poco::JSON::Array::Ptr array(std::initializer_list<std::string> items) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (const auto& i : items) a->add(i);
  return a;
}

// curl's average download speed in bytes/s for `url`, run in `ns`.
double downloadSpeed(const Netns& ns, const std::string& proxyArgs, const std::string& url) {
  RunResult r = ns.run({"sh", "-c", "curl -sS -g --fail --max-time 600 " + proxyArgs + " -o /dev/null -w '%{speed_download}' '" +
                                        url + "'"},
                       700000);
  if (!r.ok()) throw rtk::Error(rtk::Errc::Io, "bench: " + r.describe());
  return std::stod(r.out);
}

// One HTTP/1.0 GET of `url`'s bytes through `node`'s own dial, read to the
// end in 256 KiB reads; bytes/s of the body and head together.
double inProcessDownloadSpeed(rtk::Node& node, const std::string& address, int port, long bytes) {
  const auto start = std::chrono::steady_clock::now();
  auto conn = node.dial("tcp", "[" + address + "]:" + std::to_string(port),
                        {std::chrono::steady_clock::now() + std::chrono::seconds(30), {}});
  const std::string request = "GET / HTTP/1.0\r\nHost: bench\r\n\r\n";
  conn->write(request.data(), request.size());
  std::vector<char> buffer(256 << 10);
  std::uint64_t total = 0;
  conn->setReadDeadline(std::chrono::steady_clock::now() + std::chrono::seconds(600));
  for (std::size_t n; (n = conn->read(buffer.data(), buffer.size())) > 0;) total += n;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (total < static_cast<std::uint64_t>(bytes))
    throw rtk::Error(rtk::Errc::Io, "bench: in-process download ended after " + std::to_string(total) + " bytes");
  return static_cast<double>(total) / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  int connections = 2000, step = 500;
  long mib = 1024;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--connections") connections = std::stoi(value);
    else if (flag == "--step") step = std::stoi(value);
    else if (flag == "--mib") mib = std::stol(value);
    else {
      std::cerr << "usage: rtk_bench_socks [--connections N] [--step S] [--mib M]\n";
      return 2;
    }
  }
  try {
    Lab lab("benchsocks");
    Netns& nsO = lab.addNetns("o");
    Netns& nsR = lab.addNetns("r");
    Netns& nsT = lab.addNetns("t");
    Netns& nsI = lab.addNetns("i");
    const VethLink& ro = lab.connect(nsR, nsO);
    const VethLink& rt = lab.connect(nsR, nsT);
    const std::string oUri = transportUri(Transport::Tcp, ro.b().ipv6, 7300);
    const std::string tUri = transportUri(Transport::Tcp, rt.b().ipv6, 7301);
    const VethLink& ri = lab.connect(nsR, nsI);
    const std::string iUri = transportUri(Transport::Tcp, ri.b().ipv6, 7302);

    NodeSpec rSpec{.name = "r"};
    rSpec.peers = {oUri, tUri, iUri};
    RealNode& r = lab.addRealNode(rSpec, nsR);
    NodeSpec tSpec{.name = "t"};
    tSpec.listen = {tUri};
    RealNode& t = lab.addRealNode(tSpec, nsT);
    NodeSpec oSpec{.name = "o"};
    oSpec.listen = {oUri};
    oSpec.plugins = new Poco::JSON::Object;
    oSpec.plugins->set("Enabled", array({"socks"}));
    Poco::JSON::Object::Ptr socks = new Poco::JSON::Object;
    socks->set("Listen", array({"127.0.0.1:1080"}));
    socks->set("MaxConnections", connections + 64);
    socks->set("IdleTimeoutSeconds", 0);
    oSpec.modules = new Poco::JSON::Object;
    oSpec.modules->set("socks", socks);
    OurNode& o = lab.addOurNode(oSpec, nsO);
    t.start();
    o.start();
    InProcessSpec iSpec;
    iSpec.name = "i";
    iSpec.listen = {iUri};
    InProcessNode i(lab, nsI, iSpec);
    r.start();
    waitUntil("r peered with o, t and i", 30000, [&] {
      auto peers = r.ctl().getPeers()->getArray("peers");
      int up = 0;
      for (std::size_t k = 0; peers && k < peers->size(); ++k) up += peers->getObject(k)->getValue<bool>("up") ? 1 : 0;
      return up == 3;
    });
    // The host needs two descriptors per tunnel (client socket, readiness eventfd), the clients one: both
    // get 2 N + 4096, within this process' hard limit (raising it needs CAP_SYS_RESOURCE).
    rlimit hard{};
    ::getrlimit(RLIMIT_NOFILE, &hard);
    const rlim_t wanted = 2 * static_cast<rlim_t>(connections) + 4096;
    const std::string nofile = std::to_string(std::min<rlim_t>(wanted, hard.rlim_max));
    if (wanted > hard.rlim_max)
      std::printf("note: open-files hard limit %llu < %llu wanted: the host can hold about %llu tunnels\n",
                  static_cast<unsigned long long>(hard.rlim_max), static_cast<unsigned long long>(wanted),
                  static_cast<unsigned long long>((hard.rlim_max - 64) / 2));
    Subprocess::run({"prlimit", "--pid", std::to_string(o.pid()), "--nofile=" + nofile + ":" + nofile}, 5000);

    const std::string rAddress = rtk::formatAddress(rtk::address::addressForKey(*rtk::PublicKey::fromHex(r.publicKey())));
    Subprocess servers = nsR.spawn({"sh", "-c", "ulimit -n " + nofile + "; exec python3 -u " + kScripts + "/bench_servers.py " +
                                                    rAddress + " " + std::to_string(kHoldPort) + " " +
                                                    std::to_string(kBytesPort) + " " + std::to_string(mib << 20)},
                                   lab.file("servers.log").string());
    waitUntil("servers on r", 20000, [&] { return readText(lab.file("servers.log")).find("serving") != std::string::npos; });

    // --- 1. goodput.
    const std::string url = "http://[" + rAddress + "]:" + std::to_string(kBytesPort) + "/";
    const double tun = downloadSpeed(nsT, "", url);
    const double viaSocks = downloadSpeed(nsO, "--socks5-hostname 127.0.0.1:1080", url);
    const double inProcess = inProcessDownloadSpeed(i.node(), rAddress, kBytesPort, mib << 20);
    std::printf("\ngoodput of one %ld MiB download from r (MiB/s)\n", mib);
    std::printf("  real TUN pair (t -> r)              %8.1f\n", tun / (1 << 20));
    std::printf("  in-process dial (i -> r, rtk::Node) %8.1f   (%.0f %% of the TUN pair)\n", inProcess / (1 << 20),
                100.0 * inProcess / tun);
    std::printf("  through our SOCKS proxy (o -> r)    %8.1f   (%.0f %% of the TUN pair, %.0f %% of the in-process dial)\n",
                viaSocks / (1 << 20), 100.0 * viaSocks / tun, 100.0 * viaSocks / inProcess);
    i.close();

    // --- 2. connections held.
    const ProcStats idle = ProcStats::read(o.pid());
    Subprocess hold = nsO.spawn({"sh", "-c", "ulimit -n " + nofile + "; exec python3 -u " + kScripts + "/bench_hold.py 1080 " +
                                                 rAddress + " " + std::to_string(kHoldPort) + " " +
                                                 std::to_string(connections) + " " + std::to_string(step)},
                                lab.file("hold.log").string());
    std::printf("\nconnections held through o (MaxConnections %d)\n", connections + 64);
    std::printf("  %8s %8s %8s %8s %10s | per 1000: %8s %8s %10s\n", "held", "failed", "threads", "fds", "rss MiB",
                "threads", "fds", "rss MiB");
    std::printf("  %8d %8d %8d %8d %10.1f |\n", 0, 0, idle.threads, idle.fds, idle.rssKiB / 1024.0);
    std::size_t seen = 0;
    for (;;) {
      std::string log;
      waitUntil("the next step of held connections", 300000, [&] {
        log = readText(lab.file("hold.log"));
        return log.size() > seen && log.find('\n', seen) != std::string::npos;
      });
      const std::size_t eol = log.find('\n', seen);
      const std::string line = log.substr(seen, eol - seen);
      seen = eol + 1;
      if (line == "done") break;
      if (line.rfind("  failure:", 0) == 0) {  // bench_hold.py names why clients failed
        std::printf("  %s\n", line.c_str());
        continue;
      }
      std::istringstream words(line);
      std::string heldWord, failedWord;
      int held = 0, failed = 0;
      words >> heldWord >> held >> failedWord >> failed;
      if (heldWord != "held") throw rtk::Error(rtk::Errc::Protocol, "bench: bench_hold.py said: " + line);
      const ProcStats now = ProcStats::read(o.pid());
      const double per = held > 0 ? 1000.0 / held : 0;
      std::printf("  %8d %8d %8d %8d %10.1f | %18.0f %8.0f %10.1f\n", held, failed, now.threads, now.fds, now.rssKiB / 1024.0,
                  (now.threads - idle.threads) * per, (now.fds - idle.fds) * per, (now.rssKiB - idle.rssKiB) / 1024.0 * per);
      std::fflush(stdout);
    }
    const auto stopStart = std::chrono::steady_clock::now();
    o.stop(120000);
    std::printf("\nstopping the host with %d connections held took %.1f s\n", connections,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - stopStart).count());
    hold.terminate(2000);
  } catch (const std::exception& e) {
    std::cerr << "rtk_bench_socks: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
