// AskAdminCommands — the ninfo plugin's commands on the admin socket:
//
//   ask target=<target> [timeout=<ms>]   the result JSON (ratatoskr/ninfo.hpp
//                                        toJson), or {"status":"error"} with
//                                        the ask's message
//   askStats                             the engine's counters
//
// `yggdrasilctl ask target=200:1234::1` prints the JSON as received,
// `yggdrasilctl -json ask ...` re-indented; `ratatoskr ask` sends the same
// request. Arguments arrive as strings (yggdrasilctl) or JSON numbers.
//
// An admin handler worker (rtk-admin-w-N) waits for the answer: at most `timeout`, by
// default the plugin's own limits (MaxLookupTimeMs + MaxAskTimeMs + 5 s, or
// 300 s when either is unlimited), so stopping the host never waits longer.
// Thread-safety: handlers run on admin threads, concurrently.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "ninfo/Asker.hpp"

namespace rtk::plugins::ninfo {

class AskAdminCommands {
 public:
  AskAdminCommands(rtk::ninfo::Asker& asker, std::chrono::milliseconds defaultTimeout)
      : asker_(asker), defaultTimeout_(defaultTimeout) {}

  // The caller's timeout for an ask without one, from the plugin's options.
  static std::chrono::milliseconds defaultTimeoutFor(const rtk::ninfo::AskOptions& options);

  std::string ask(std::string_view argumentsJson) const;
  std::string stats(std::string_view argumentsJson) const;

 private:
  rtk::ninfo::Asker& asker_;
  std::chrono::milliseconds defaultTimeout_;
};

}  // namespace rtk::plugins::ninfo
