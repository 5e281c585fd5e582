// ProbeCommands — the probe's three operations with JSON arguments and JSON
// results, shared by the admin commands (probeTree, probePath, probeTrace)
// and the service table "ratatoskr.probe/1":
//
//   tree  {"maxDepth", "concurrency", "maxNodes"}  → the crawl (ProbeJson.hpp)
//   path  {"key"}                                  → {"key","path":[…]}
//   trace {"key"}                                  → the trace
//
// Numbers arrive as JSON numbers or as the decimal strings yggdrasilctl
// sends. Bad arguments throw rtk::Error(InvalidArgument) naming the argument.
// Thread-safety: any thread, concurrently; tree and trace block (Prober).
#pragma once

#include <string>
#include <string_view>

#include "probe/Prober.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::plugins::probe {

class ProbeCommands {
 public:
  ProbeCommands(rtk::probe::Prober& prober, Log log) : prober_(prober), log_(std::move(log)) {}

  std::string tree(std::string_view argumentsJson) const;
  std::string path(std::string_view argumentsJson) const;
  std::string trace(std::string_view argumentsJson) const;

 private:
  rtk::probe::Prober& prober_;
  Log log_;
};

}  // namespace rtk::plugins::probe
