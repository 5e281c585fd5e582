// `ratatoskr probe tree|path|trace …` — asks a running host's probe plugin,
// through its admin socket (admin commands probeTree, probePath,
// probeTrace), and prints the result:
//
//   ratatoskr probe tree --depth N [--concurrency N] [--max-nodes N] [--json | --dot]
//   ratatoskr probe path KEY [--json]
//   ratatoskr probe trace KEY [--json]
//   common: [--admin ENDPOINT] [--config FILE]
//
// Text by default (the crawl as an indented tree, the trace one hop a line),
// --json the result as `yggdrasilctl -json probeTree …` prints it, --dot a
// Graphviz digraph of the crawl. KEY: 64 hex digits or <key>.pk.ygg.
//
// Exit status: 0 answered (also a partial crawl or trace, whose text says
// why); 1 the probe failed (the node's message on stderr); 64 bad usage; 69
// the admin socket cannot be reached, answers wrongly, or the host has no
// probe plugin; 78 no conf or no AdminListen.
// Thread-safety: one call at a time.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace rtk::host::cli {

struct ProbeCommandLine {
  enum class Action { Tree, Path, Trace } action = Action::Tree;
  enum class Format { Text, Json, Dot } format = Format::Text;
  std::string key;  // path, trace
  std::optional<long long> depth, concurrency, maxNodes;  // tree
  std::string adminEndpoint;
  std::string confPath;
};

// The arguments after "probe". Throws rtk::Error(InvalidArgument) with the usage problem.
ProbeCommandLine parseProbeCommandLine(const std::vector<std::string>& args);
int runProbe(const ProbeCommandLine& command, std::ostream& out, std::ostream& err);
int probeMain(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace rtk::host::cli
