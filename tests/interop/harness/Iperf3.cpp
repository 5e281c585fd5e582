#include "Iperf3.hpp"

#include "Json.hpp"
#include "Trace.hpp"
#include "Wait.hpp"

#include <ratatoskr/error.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

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
  const std::string where = "interop: iperf3 " + from.name() + " -> [" + address + "]:" + std::to_string(port);
  // iperf3 3.12's server sometimes resets the control connection of a
  // client that connects while it is still closing the previous test
  // (seen once in a bench run). Nothing was measured then, so that one
  // case is tried again; any failure after the test started is thrown.
  constexpr int kTries = 3;
  RunResult r;
  Poco::JSON::Object::Ptr json;
  for (int attempt = 1;; ++attempt) {
    r = from.run(argv, (options.seconds + options.omitSeconds + 20) * 1000);
    json = parseJsonObject(r.out.empty() ? "{}" : r.out, where);
    const std::string error = json->optValue<std::string>("error", "");
    const auto intervals = json->getArray("intervals");
    const bool neverStarted = (!intervals || intervals->size() == 0) &&
                              (error.find("unable to receive control message") != std::string::npos ||
                               error.find("the server is busy") != std::string::npos);
    if (!neverStarted || attempt == kTries) break;
    trace(where + ": " + error + "; trying again (" + std::to_string(attempt) + " of " +
          std::to_string(kTries - 1) + ")");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
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
