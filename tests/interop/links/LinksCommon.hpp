// Helpers shared by the interop_links_* suites (issue 3's acceptance
// scenarios a-e): getPeers rows as structs, log searches, elapsed times and
// the "figure:" lines the closing notes quote.
// Thread-safety: any thread (each call reads files or runs yggdrasilctl).
#pragma once

#include "Node.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rtk::interop::links {

// One row of `yggdrasilctl -json getPeers`, from either kind of node.
struct PeerRow {
  std::string remote;  // URI ("tcp://[fd72:..]:7100", "unix:///..."), may be empty
  bool up = false;
  bool inbound = false;
  std::string key;
  double latencyNs = 0;  // 0 when absent
  double rxBytes = 0;
  double txBytes = 0;
  double uptimeS = 0;
  std::string lastError;
};

std::vector<PeerRow> peerRows(const Node& node);
// The up rows with this key whose URI starts with "<scheme>://" and which are
// inbound (or not): empty when none.
std::vector<PeerRow> upRows(const std::vector<PeerRow>& rows, const std::string& key, const std::string& scheme,
                            bool inbound);
// The row whose remote URI equals `uri` without its query (getPeers shows a
// configured peer's URI without options, as link.go's urlForLinkInfo; such
// rows stay while the peer is down), if any.
std::optional<PeerRow> rowWithUri(const std::vector<PeerRow>& rows, const std::string& uri);

// Whether the node's log (all starts) contains `needle`, and how many lines do.
bool logContains(const Node& node, const std::string& needle);
int logCount(const Node& node, const std::string& needle);
// The first line of the node's log that contains all `needles` (empty: none).
std::string logLineWith(const Node& node, const std::vector<std::string>& needles);

using Clock = std::chrono::steady_clock;
long msSince(Clock::time_point t0);

// Writes "[interop ...] figure: <name>: <value>" on stderr (issue 3's closing note).
void figure(const std::string& name, const std::string& value);

}  // namespace rtk::interop::links
