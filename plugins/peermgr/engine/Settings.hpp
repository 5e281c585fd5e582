// Settings — Modules.peermgr as the plugin's schema let it through, turned
// into what the engine runs on: the options, the candidates (Peers, then
// the PeersFile read and parsed) and every notice about entries not taken.
//
// Refusals (rtk::Error Config, naming the setting): PeersFile unreadable;
// no candidate left ("no valid peers after validation"); MinPeers not below
// the most peers the candidates can give (Σ over schemes of
// min(candidates, MaxPerProto)). MinPeers is set to 0 with a warning in
// passive mode and when health checks are off.
// Thread-safety: pure function (reads the file).
#pragma once

#include <string>
#include <vector>

#include "CandidateList.hpp"
#include "ManagerOptions.hpp"
#include "ratatoskr/json.hpp"

namespace rtk::peermgr {

enum class StaticPeersPolicy { Refuse, Keep };

struct Settings {
  ManagerOptions options;
  CandidateList candidates;
  std::vector<std::string> warnings;  // besides candidates.notices()
  StaticPeersPolicy staticPeers = StaticPeersPolicy::Refuse;
};

// `config`: the module's settings with the schema's defaults filled in.
Settings settingsFrom(const json::Value& config);

// The JSON schema of Modules.peermgr (the plugin's descriptor uses it).
inline constexpr const char* kSettingsSchema = R"({
  "type": "object",
  "properties": {
    "Peers": {"type": "array", "items": {"type": "string", "maxLength": 2048}, "maxItems": 4096, "default": []},
    "PeersFile": {"type": "string", "maxLength": 4096, "default": ""},
    "MaxPerProto": {"type": "integer", "minimum": 1, "maximum": 64, "default": 1},
    "ProbeTimeoutMs": {"type": "integer", "minimum": 100, "maximum": 600000, "default": 10000},
    "RefreshIntervalMs": {"type": "integer", "minimum": 0, "maximum": 604800000, "default": 0},
    "BatchSize": {"type": "integer", "minimum": 1, "maximum": 256, "default": 64},
    "ProbeSamples": {"type": "integer", "minimum": 1, "maximum": 10, "default": 3},
    "Passive": {"type": "boolean", "default": false},
    "MinPeers": {"type": "integer", "minimum": 0, "maximum": 4096, "default": 0},
    "HealthIntervalMs": {"type": "integer", "minimum": 0, "maximum": 86400000, "default": 10000},
    "MinPeersConfirmations": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 3},
    "ReprobeIntervalMs": {"type": "integer", "minimum": 0, "maximum": 604800000, "default": 1800000},
    "StaticPeers": {"type": "string", "enum": ["refuse", "keep"], "default": "refuse"}
  },
  "additionalProperties": false
})";

}  // namespace rtk::peermgr
