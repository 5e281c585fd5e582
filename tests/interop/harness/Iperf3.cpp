#include "Iperf3.hpp"

#include "Json.hpp"
#include "Wait.hpp"

#include <ratatoskr/error.hpp>

#include <cstdio>
#include <fstream>

namespace rtk::interop {

Iperf3Server::Iperf3Server(const Netns& netns, const std::string& bindAddress, int port,
                           const std::filesystem::path& logPath)
    : port_(port) {
  // --forceflush: with its output in a file iperf3 would buffer "Server listening" until it exits.
  process_ = netns.spawn({"iperf3", "-s", "--forceflush", "-B", bindAddress, "-p", std::to_string(port)},
                         logPath.string());
  auto log = [&] {
    std::ifstream in(logPath);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  try {
    waitUntil("iperf3 server on port " + std::to_string(port), 5000, [&] {
      if (!process_.running()) {
        throw Error(Errc::Io, "iperf3 server exited: " + process_.exitStatus().value_or(ExitStatus{}).describe());
      }
      return log().find("Server listening") != std::string::npos;
    });
  } catch (const Error& e) {
    throw Error(Errc::Io, std::string(e.what()) + ": " + log());
  }
}

IperfResult iperf3Client(const Netns& from, const std::string& address, int port, const IperfOptions& options) {
  std::vector<std::string> argv{"iperf3", "-c", address, "-p", std::to_string(port), "-J", "-t",
                                std::to_string(options.seconds), "-O", std::to_string(options.omitSeconds),
                                "-P", std::to_string(options.streams)};
  if (options.udp) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.0f", options.udpRateBps);
    argv.insert(argv.end(), {"-u", "-b", rate, "-l", std::to_string(options.udpPayloadBytes)});
  }
  const RunResult r = from.run(argv, (options.seconds + options.omitSeconds + 20) * 1000);
  const std::string where = "interop: iperf3 " + from.name() + " -> [" + address + "]:" + std::to_string(port);
  const auto json = parseJsonObject(r.out.empty() ? "{}" : r.out, where);
  if (!r.ok() || json->has("error")) {
    throw Error(Errc::Io, where + ": " + json->optValue<std::string>("error", "") + " " + r.describe());
  }
  const auto end = json->getObject("end");
  if (!end) throw Error(Errc::Protocol, where + ": no \"end\" section");
  const auto sent = end->getObject("sum_sent");
  const auto received = end->getObject("sum_received");
  if (!sent || !received) throw Error(Errc::Protocol, where + ": no sum_sent/sum_received");
  IperfResult result;
  result.senderBps = sent->optValue<double>("bits_per_second", 0);
  result.receivedBytes = received->optValue<Poco::UInt64>("bytes", 0);
  result.seconds = received->optValue<double>("seconds", 0);
  result.retransmits = sent->optValue<int>("retransmits", 0);
  if (options.udp) {
    result.packets = received->optValue<Poco::Int64>("packets", 0);
    result.lostPackets = received->optValue<Poco::Int64>("lost_packets", 0);
    result.lostPercent = received->optValue<double>("lost_percent", 0);
    result.jitterMs = received->optValue<double>("jitter_ms", 0);
    const auto delivered = static_cast<double>(result.packets - result.lostPackets);
    result.goodputBps =
        result.seconds > 0 ? delivered * options.udpPayloadBytes * 8.0 / result.seconds : 0;
  } else {
    result.goodputBps = received->optValue<double>("bits_per_second", 0);
  }
  return result;
}

}  // namespace rtk::interop
