// SigilServiceParser — a custom sigil parser over another plugin's
// "ratatoskr.sigil/1" table (sigil.h): match() on the whole foreign
// NodeInfo, then parse() for the fragment. The ninfo plugin makes one per
// sigil plugin it finds (each_service), so every custom sigil enabled on
// this host reads other nodes' NodeInfo too.
//
// The table must stay valid while the parser is used: the host keeps a
// provider running while ninfo, which declares the service, runs.
// Thread-safety: as the sigil's table (any thread, concurrently).
#pragma once

#include <optional>
#include <set>
#include <string>

#include "ratatoskr/ninfo.hpp"
#include "ratatoskr/sigil.h"

namespace rtk::plugins::ninfo {

class SigilServiceParser final : public rtk::ninfo::SigilParser {
 public:
  // Throws rtk::Error(Abi) for a table without match/parse.
  SigilServiceParser(const rtk_sigil_service& table, std::string provider);

  std::string name() const override { return name_; }
  std::optional<json::Value> parse(const json::Value& nodeInfo) const override;
  const std::string& provider() const { return provider_; }

 private:
  const rtk_sigil_service& table_;
  std::string name_;
  std::string provider_;
  std::set<std::string, std::less<>> owned_;
};

}  // namespace rtk::plugins::ninfo
