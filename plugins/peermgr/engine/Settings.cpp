#include "Settings.hpp"

#include <fstream>
#include <iterator>
#include <map>

#include "PublicPeersFile.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::peermgr {


namespace {

std::string readBounded(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Errc::Config, "Modules.peermgr.PeersFile: cannot read \"" + path + "\"");
  std::string text;
  text.resize(kPublicPeersMaxBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw Error(Errc::Config, "Modules.peermgr.PeersFile: error reading \"" + path + "\"");
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

std::chrono::milliseconds msSetting(const json::Value& config, const char* name) {
  return std::chrono::milliseconds(config.get(name).asInt64());
}

}  // namespace

Settings settingsFrom(const json::Value& config) {
  Settings s;
  ManagerOptions& o = s.options;
  o.maxPerProto = config.get("MaxPerProto").asUint64();
  o.probeTimeout = msSetting(config, "ProbeTimeoutMs");
  o.refreshInterval = msSetting(config, "RefreshIntervalMs");
  o.batchSize = config.get("BatchSize").asUint64();
  o.probeSamples = config.get("ProbeSamples").asUint64();
  o.passive = config.get("Passive").asBool();
  o.minPeers = config.get("MinPeers").asUint64();
  o.healthInterval = msSetting(config, "HealthIntervalMs");
  o.minPeersConfirmations = config.get("MinPeersConfirmations").asUint64();
  o.reprobeInterval = msSetting(config, "ReprobeIntervalMs");
  s.staticPeers = config.get("StaticPeers").asString() == "keep" ? StaticPeersPolicy::Keep : StaticPeersPolicy::Refuse;

  std::vector<std::string> peers;
  const json::Value& list = config.get("Peers");
  for (std::size_t i = 0; i < list.size(); ++i) peers.push_back(list.at(i).asString());
  s.candidates.addSetting(peers, "Modules.peermgr.Peers");
  const std::string& file = config.get("PeersFile").asString();
  if (!file.empty()) s.candidates.addPublicPeers(parsePublicPeers(readBounded(file)), file);
  if (s.candidates.candidates().empty()) {
    throw Error(Errc::Config, "Modules.peermgr: no valid peers after validation (Peers" +
                                  std::string(file.empty() ? "" : " and PeersFile") + ")");
  }

  if (o.minPeers > 0 && (o.passive || o.healthInterval.count() == 0)) {
    s.warnings.push_back(std::string("Modules.peermgr.MinPeers ignored: ") +
                         (o.passive ? "passive mode has no health checks" : "HealthIntervalMs is 0"));
    o.minPeers = 0;
  }
  if (o.minPeers > 0) {
    std::map<std::string, std::size_t> perScheme;
    for (const auto& c : s.candidates.candidates()) ++perScheme[c.uri.scheme];
    std::size_t most = 0;
    for (const auto& [scheme, count] : perScheme) most += std::min(count, o.maxPerProto);
    if (o.minPeers >= most) {
      throw Error(Errc::Config, "Modules.peermgr.MinPeers: " + std::to_string(o.minPeers) +
                                    " must be below " + std::to_string(most) +
                                    ", the most peers these candidates give at MaxPerProto " +
                                    std::to_string(o.maxPerProto));
    }
  }
  return s;
}

}  // namespace rtk::peermgr
