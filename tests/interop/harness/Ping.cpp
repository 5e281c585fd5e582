#include "Ping.hpp"

#include <ratatoskr/error.hpp>

#include <cmath>
#include <cstdio>
#include <regex>

namespace rtk::interop {

PingResult ping6(const Netns& from, const std::string& address, const PingOptions& options) {
  const int deadlineS = std::max(1, static_cast<int>(std::ceil(options.timeoutMs / 1000.0)));
  char interval[32];
  std::snprintf(interval, sizeof interval, "%.3f", options.intervalS);
  PingResult result;
  result.run = from.run({"ping", "-6", "-n", "-c", std::to_string(options.count), "-i", interval, "-w",
                         std::to_string(deadlineS), "-s", std::to_string(options.payloadBytes), address},
                        options.timeoutMs + 3000);
  static const std::regex summary(R"((\d+) packets transmitted, (\d+) received)");
  static const std::regex rtt(R"(= ([0-9.]+)/([0-9.]+)/([0-9.]+)/[0-9.]+ ms)");
  std::smatch m;
  if (!std::regex_search(result.run.out, m, summary)) {
    throw Error(Errc::Protocol, "interop: ping6 " + address + " from " + from.name() +
                                    ": no summary: " + result.run.describe());
  }
  result.sent = std::stoi(m[1]);
  result.received = std::stoi(m[2]);
  if (std::regex_search(result.run.out, m, rtt)) {
    result.rttMinMs = std::stod(m[1]);
    result.rttAvgMs = std::stod(m[2]);
    result.rttMaxMs = std::stod(m[3]);
  }
  return result;
}

}  // namespace rtk::interop
