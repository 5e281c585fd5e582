#include "OurPair.hpp"

#include "Json.hpp"
#include "Node.hpp"
#include "Trace.hpp"
#include "Transport.hpp"
#include "Wait.hpp"

#include <ratatoskr/error.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

namespace rtk::bench {

using namespace interop;

OurPair::OurPair(Lab& lab, const PairOptions& options) {
  Netns& nsA = lab.addNetns("a");
  Netns& nsB = lab.addNetns("b");
  const VethLink& link = lab.connect(nsB, nsA, options.vethMtuBytes);
  const std::string uri = transportUri(Transport::Tcp, link.a().ipv6, defaultPort(Transport::Tcp));
  controlA_ = lab.file("a.ctl").string();
  controlB_ = lab.file("b.ctl").string();
  const std::string ifMtu = std::to_string(options.ifMtuBytes);
  b_ = nsB.spawn({RTK_BENCH_NODE_BINARY, "--key", Node::generatePrivateKey(), "--listen", uri, "--control", controlB_,
                  "--if-mtu", ifMtu},
                 lab.file("b.log").string());
  a_ = nsA.spawn({RTK_BENCH_NODE_BINARY, "--key", Node::generatePrivateKey(), "--peer", uri, "--control", controlA_,
                  "--if-mtu", ifMtu},
                 lab.file("a.log").string());
  waitUntil("both bench nodes answer", 20000, [&] {
    addressB_ = command(controlB_, "address", 2000)->getValue<std::string>("address");
    return !command(controlA_, "address", 2000)->getValue<std::string>("address").empty();
  });
  waitUntil("a reaches b over the overlay", 60000, [&] {
    return command(controlA_, "rtt " + addressB_ + " 1", 5000)->getValue<int>("received") == 1;
  });
  // --if-mtu reaches both stacks (a mismatch would mean the option is ignored).
  for (const std::string* control : {&controlA_, &controlB_}) {
    const auto mtu = command(*control, "address", 2000)->getValue<std::uint64_t>("mtu");
    if (mtu != static_cast<std::uint64_t>(options.ifMtuBytes))
      throw Error(Errc::Protocol, "bench: our node's stack MTU is " + std::to_string(mtu) + ", --if-mtu asked " +
                                      std::to_string(options.ifMtuBytes));
  }
  trace("ours pair up: b is " + addressB_ + ", stack MTU " + std::to_string(options.ifMtuBytes));
}

Poco::JSON::Object::Ptr OurPair::command(const std::string& path, const std::string& line, int timeoutMs) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    throw Error(Errc::Io, "bench: control " + path + ": " + std::strerror(errno));
  }
  timeval tv{timeoutMs / 1000, (timeoutMs % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const std::string request = line + "\n";
  (void)!::write(fd, request.data(), request.size());
  std::string reply;
  char buf[4096];
  while (reply.find('\n') == std::string::npos) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    reply.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  auto obj = parseJsonObject(reply, "bench node reply to \"" + line + "\"");
  if (obj->has("error")) throw Error(Errc::Io, "bench: " + line + ": " + obj->getValue<std::string>("error"));
  return obj;
}

PingResult OurPair::rtt(int count) {
  const auto r = command(controlA_, "rtt " + addressB_ + " " + std::to_string(count), count * 1500 + 5000);
  PingResult p;
  p.sent = r->getValue<int>("sent");
  p.received = r->getValue<int>("received");
  p.rttMinMs = r->getValue<double>("min_ms");
  p.rttAvgMs = r->getValue<double>("avg_ms");
  p.rttMaxMs = r->getValue<double>("max_ms");
  return p;
}

IperfResult OurPair::tcp(int streams, int seconds) {
  const auto r = command(controlA_, "tcp " + addressB_ + " " + std::to_string(streams) + " " + std::to_string(seconds),
                         (seconds + 90) * 1000);
  if (r->getValue<int>("failures") != 0)
    throw Error(Errc::Io, "bench: tcp streams failed: " + r->optValue<std::string>("error", "?"));
  IperfResult out;
  out.receivedBytes = r->getValue<std::uint64_t>("bytes");
  out.seconds = r->getValue<double>("seconds");
  out.goodputBps = out.receivedBytes * 8.0 / out.seconds;
  out.senderBps = r->getValue<std::uint64_t>("sent") * 8.0 / out.seconds;
  out.retransmits = static_cast<int>(r->getValue<std::uint64_t>("retransmits"));
  return out;
}

Datagrams OurPair::datagrams(int payloadBytes, double rateBps, int seconds) {
  const auto before = command(controlB_, "stats", 2000);
  char line[200];
  std::snprintf(line, sizeof line, "udp %s %.0f %d %d", addressB_.c_str(), rateBps, payloadBytes, seconds);
  const auto r = command(controlA_, line, (seconds + 30) * 1000);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // stragglers
  const auto after = command(controlB_, "stats", 2000);
  Datagrams out;
  out.payloadBytes = payloadBytes;
  out.offered = r->getValue<std::uint64_t>("sent");
  out.delivered = after->getValue<std::uint64_t>("udp_packets") - before->getValue<std::uint64_t>("udp_packets");
  out.seconds = r->getValue<double>("seconds");
  return out;
}

}  // namespace rtk::bench
