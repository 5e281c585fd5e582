// `ratatoskr ask TARGET [--json] [--admin ENDPOINT] [--config FILE] [--timeout MS]`
// — asks a running host (its ninfo plugin, through the admin socket) for a
// node's NodeInfo and prints it: the text form (rtk::ninfo::formatText) or,
// with --json, the JSON as `yggdrasilctl -json ask target=TARGET` shows it.
//
// The admin socket: --admin, else the AdminListen of --config (or of
// conf/ratatoskr.conf when it exists). --timeout is passed to the ask; the
// client itself waits that long plus 10 s, or 10 minutes without one.
//
// Exit status: 0 answered; 1 the ask failed (the node's message on stderr,
// e.g. "ratatoskr ask: ninfo: cannot resolve ..."); 64 bad usage; 69 the
// admin socket cannot be reached or answers wrongly; 78 a bad conf.
// Thread-safety: one call at a time.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace rtk::host::cli {

struct AskCommandLine {
  std::string target;
  bool json = false;
  std::string adminEndpoint;  // empty: from the conf
  std::string confPath;       // empty: conf/ratatoskr.conf when present
  std::optional<long long> timeoutMs;
};

inline constexpr int kAskExitOk = 0, kAskExitFailed = 1, kAskExitUsage = 64, kAskExitUnavailable = 69,
                     kAskExitConfig = 78;

// The arguments after "ask". Throws rtk::Error(InvalidArgument) with the usage problem.
AskCommandLine parseAskCommandLine(const std::vector<std::string>& args);
// Runs it; output to `out`, errors to `err`. Returns the exit status.
int runAsk(const AskCommandLine& command, std::ostream& out, std::ostream& err);
// parse + run; usage errors become exit status 64.
int askMain(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace rtk::host::cli
