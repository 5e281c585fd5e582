// rtk_bench_node: one of our nodes as a benchmark process — the core (links,
// router, sessions, IPv6 layer) and the userspace stack, with a sink, an
// echo and a traffic generator, driven over a unix control socket.
//
//   rtk_bench_node --key HEX (--listen URI | --peer URI) --control PATH
//                  [--if-mtu BYTES] [--log PATH]
//
// Services on the node's address: TCP sink :5201 (reads to end of stream,
// answers the byte count as 8 bytes big-endian, closes), UDP sink :5202,
// UDP echo :5204. --if-mtu is the node's IfMTU (default 65535), which
// the stack's MTU follows.
//
// Control: one command per line, one JSON line back:
//   address                       {"address": "200:…", "mtu": <the stack's MTU>}
//   stats                         cumulative receive counters
//   rtt <dest> <count>            UDP echo round trips to dest:5204
//   tcp <dest> <streams> <secs>   streams to dest:5201; bytes the sink confirmed,
//                                 segments our stack retransmitted meanwhile
//   udp <dest> <bps> <payload> <secs>   paced datagrams to dest:5202
// Not a test; numbers only. Runs until SIGTERM.
//
// RTK_BENCH_MALLOC_KEEP=1 raises glibc's trim and mmap thresholds, so freed
// buffers stay mapped instead of being handed back and faulted in again
// (an experiment for docs/benchmark.md; off by default, as in applications).
#include "core/node/Core.hpp"
#include "core/node/NodeKey.hpp"
#include "netstack/Netstack.hpp"

#include <ratatoskr/net.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <malloc.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

using namespace rtk;
using Clock = std::chrono::steady_clock;

namespace {

std::atomic<std::uint64_t> gTcpBytes{0}, gUdpPackets{0}, gUdpBytes{0};

std::string json(const Poco::JSON::Object& o) {
  std::ostringstream s;
  Poco::JSON::Stringifier::stringify(o, s);
  return s.str();
}

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void serveSink(std::unique_ptr<Listener> listener) {
  for (;;) {
    std::shared_ptr<Conn> c;
    try {
      c = listener->accept();
    } catch (const Error&) {
      return;
    }
    std::thread([c] {
      std::vector<char> buf(256 * 1024);
      std::uint64_t total = 0;
      try {
        for (std::size_t n; (n = c->read(buf.data(), buf.size())) != 0;) {
          total += n;
          gTcpBytes.fetch_add(n, std::memory_order_relaxed);
        }
        std::uint8_t be[8];
        for (int i = 0; i < 8; ++i) be[i] = static_cast<std::uint8_t>(total >> (56 - 8 * i));
        c->write(be, 8);
        c->close();
      } catch (const Error&) {
      }
    }).detach();
  }
}

void serveUdpSink(std::unique_ptr<PacketConn> pc) {
  std::vector<char> buf(70000);
  try {
    for (;;) {
      Endpoint from;
      const std::size_t n = pc->readFrom(buf.data(), buf.size(), from);
      gUdpPackets.fetch_add(1, std::memory_order_relaxed);
      gUdpBytes.fetch_add(n, std::memory_order_relaxed);
    }
  } catch (const Error&) {
  }
}

void serveEcho(std::unique_ptr<PacketConn> pc) {
  std::vector<char> buf(70000);
  try {
    for (;;) {
      Endpoint from;
      const std::size_t n = pc->readFrom(buf.data(), buf.size(), from);
      pc->writeTo(buf.data(), n, from);
    }
  } catch (const Error&) {
  }
}

std::string cmdRtt(netstack::Netstack& stack, const std::string& dest, int count) {
  auto pc = stack.listenPacket("udp", ":0");
  const Endpoint to = parseEndpoint("[" + dest + "]:5204");
  double min = 1e9, max = 0, sum = 0;
  int received = 0;
  char buf[64] = "rtt";
  for (int i = 0; i < count; ++i) {
    const auto t0 = Clock::now();
    pc->writeTo(buf, 56 > sizeof buf ? sizeof buf : 56, to);
    pc->setReadDeadline(Clock::now() + std::chrono::seconds(1));
    try {
      Endpoint from;
      pc->readFrom(buf, sizeof buf, from);
      const double ms = since(t0) * 1000;
      min = std::min(min, ms);
      max = std::max(max, ms);
      sum += ms;
      ++received;
      if (i + 1 < count) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    } catch (const Error&) {
    }
  }
  Poco::JSON::Object o;
  o.set("sent", count);
  o.set("received", received);
  o.set("min_ms", received ? min : 0.0);
  o.set("avg_ms", received ? sum / received : 0.0);
  o.set("max_ms", received ? max : 0.0);
  return json(o);
}

std::string cmdTcp(netstack::Netstack& stack, const std::string& dest, int streams, double seconds) {
  std::atomic<std::uint64_t> confirmed{0}, sent{0};
  std::atomic<int> failures{0};
  std::string firstError;
  std::mutex errMutex;
  // This process's stack carries only the bench's streams: the counter's
  // growth over the run is their senders' retransmitted segments.
  const std::uint64_t retransmitsBefore = stack.counters().tcpRetransmits;
  const auto t0 = Clock::now();
  const auto stopAt = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  for (int s = 0; s < streams; ++s) {
    threads.emplace_back([&] {
      try {
        auto c = stack.dial("tcp", "[" + dest + "]:5201", DialOptions{Clock::now() + std::chrono::seconds(10), {}});
        std::vector<char> buf(256 * 1024, 'x');
        while (Clock::now() < stopAt) sent += c->write(buf.data(), buf.size());
        c->closeWrite();
        std::uint8_t be[8];
        std::size_t got = 0;
        c->setReadDeadline(Clock::now() + std::chrono::seconds(60));
        while (got < 8) {
          const std::size_t n = c->read(be + got, 8 - got);
          if (n == 0) throw Error(Errc::Reset, "sink closed before confirming");
          got += n;
        }
        std::uint64_t v = 0;
        for (auto b : be) v = (v << 8) | b;
        confirmed += v;
        c->close();
      } catch (const std::exception& e) {
        ++failures;
        std::lock_guard lock(errMutex);
        if (firstError.empty()) firstError = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  Poco::JSON::Object o;
  o.set("bytes", confirmed.load());
  o.set("sent", sent.load());
  o.set("seconds", since(t0));
  o.set("failures", failures.load());
  o.set("retransmits", stack.counters().tcpRetransmits - retransmitsBefore);
  if (!firstError.empty()) o.set("error", firstError);
  return json(o);
}

std::string cmdUdp(netstack::Netstack& stack, const std::string& dest, double bps, int payload, double seconds) {
  auto pc = stack.listenPacket("udp", ":0");
  const Endpoint to = parseEndpoint("[" + dest + "]:5202");
  std::vector<char> buf(static_cast<std::size_t>(payload), 'u');
  const double interval = payload * 8.0 / bps;  // seconds per datagram
  const auto t0 = Clock::now();
  std::uint64_t sent = 0;
  while (since(t0) < seconds) {
    // Catch up in bursts: sleep only when ahead of the schedule.
    const double due = sent * interval;
    const double now = since(t0);
    if (now < due) {
      std::this_thread::sleep_for(std::chrono::duration<double>(std::min(due - now, 0.001)));
      continue;
    }
    try {
      pc->writeTo(buf.data(), buf.size(), to);
    } catch (const Error&) {
    }
    ++sent;
  }
  Poco::JSON::Object o;
  o.set("sent", sent);
  o.set("seconds", since(t0));
  return json(o);
}

std::string stats() {
  Poco::JSON::Object o;
  o.set("tcp_bytes", gTcpBytes.load());
  o.set("udp_packets", gUdpPackets.load());
  o.set("udp_bytes", gUdpBytes.load());
  return json(o);
}

std::string handle(const std::string& line, core::node::Core& core, netstack::Netstack& stack) {
  std::istringstream in(line);
  std::string cmd, dest;
  in >> cmd;
  try {
    if (cmd == "address") {
      Poco::JSON::Object o;
      o.set("address", formatAddress(core.packets().address()));
      o.set("mtu", stack.mtu());
      return json(o);
    }
    if (cmd == "stats") return stats();
    in >> dest;
    if (cmd == "rtt") {
      int n = 1;
      in >> n;
      return cmdRtt(stack, dest, n);
    }
    if (cmd == "tcp") {
      int streams = 1;
      double s = 1;
      in >> streams >> s;
      return cmdTcp(stack, dest, streams, s);
    }
    if (cmd == "udp") {
      double bps = 1e6, s = 1;
      int payload = 1200;
      in >> bps >> payload >> s;
      return cmdUdp(stack, dest, bps, payload, s);
    }
    throw Error(Errc::InvalidArgument, "unknown command " + cmd);
  } catch (const std::exception& e) {
    Poco::JSON::Object o;
    o.set("error", e.what());
    return json(o);
  }
}

void serveControl(const std::string& path, core::node::Core& core, netstack::Netstack& stack) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  ::unlink(path.c_str());
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 8) != 0)
    throw Error(Errc::Io, "control socket " + path + ": " + std::strerror(errno));
  for (;;) {
    const int c = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    std::thread([c, &core, &stack] {
      std::string buf;
      char chunk[512];
      for (ssize_t n; (n = ::read(c, chunk, sizeof chunk)) > 0;) {
        buf.append(chunk, static_cast<std::size_t>(n));
        for (std::size_t nl; (nl = buf.find('\n')) != std::string::npos;) {
          const std::string reply = handle(buf.substr(0, nl), core, stack) + "\n";
          buf.erase(0, nl + 1);
          if (::write(c, reply.data(), reply.size()) < 0) break;
        }
      }
      ::close(c);
    }).detach();
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (const char* keep = std::getenv("RTK_BENCH_MALLOC_KEEP"); keep && std::string(keep) == "1") {
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
  }
  std::string key, control, logPath;
  NodeConfig config;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--key") key = v;
    else if (a == "--listen") config.listen.push_back(v);
    else if (a == "--peer") config.peers.push_back(v);
    else if (a == "--control") control = v;
    else if (a == "--if-mtu") config.ifMTU = std::stoull(v);
    else if (a == "--log") logPath = v;
    else {
      std::cerr << "rtk_bench_node: unknown option " << a << "\n";
      return 2;
    }
  }
  if (control.empty()) {
    std::cerr << "usage: rtk_bench_node --key HEX (--listen URI | --peer URI) --control PATH [--if-mtu BYTES] [--log PATH]\n";
    return 2;
  }
  try {
    config.privateKey = key;
    auto logger = std::make_shared<Logger>(Logger::stderrSink(), LogLevel::Warn);
    auto nodeKey = core::node::loadNodeKey(config);
    core::node::Core core(core::node::CoreSettings{nodeKey.key, config, Log(logger, "bench")});
    netstack::Netstack stack(core.packets(), Log(logger, "netstack"));
    std::thread(serveSink, stack.listen("tcp", ":5201")).detach();
    std::thread(serveUdpSink, stack.listenPacket("udp", ":5202")).detach();
    std::thread(serveEcho, stack.listenPacket("udp", ":5204")).detach();
    serveControl(control, core, stack);
  } catch (const std::exception& e) {
    std::cerr << "rtk_bench_node: " << e.what() << "\n";
    return 1;
  }
}
