// ping6 from inside a namespace, parsed.
// Thread-safety: any thread.
#pragma once

#include "Netns.hpp"

#include <string>

namespace rtk::interop {

struct PingResult {
  int sent = 0;
  int received = 0;
  double rttMinMs = 0;  // 0 when nothing came back
  double rttAvgMs = 0;
  double rttMaxMs = 0;
  RunResult run;  // the raw ping run, for messages
  bool allReceived() const { return sent > 0 && received == sent; }
};

struct PingOptions {
  int count = 3;
  int timeoutMs = 10000;  // whole run (ping -w), the process gets 3 s more
  double intervalS = 0.2;
  int payloadBytes = 56;
};

// `ping -6 -n -c count -i interval -w deadline -s size address` inside `from`.
// Throws rtk::Error(Protocol) when ping's summary cannot be parsed (it
// never ran); a run where replies were lost is a normal result.
PingResult ping6(const Netns& from, const std::string& address, const PingOptions& options = {});

}  // namespace rtk::interop
