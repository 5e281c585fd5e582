// CandidateList — the candidates peermgr chooses from: the Peers setting
// first, then the public-peers file, in order, each URI checked
// (CandidateUri) and de-duplicated by identity (first one wins).
//
// Every entry not taken gives one warning naming where it came from
// ("Modules.peermgr.Peers[2]" or "<file>:<line>") and why: not a URI,
// unsupported scheme, or a duplicate of an earlier entry (with different
// key= pins said so, since the two may be different nodes). An exact repeat
// is reported too (as a note, not a warning). File issues (PublicPeersFile)
// are passed on the same way.
// Thread-safety: a value built once, then read.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "CandidateUri.hpp"
#include "PublicPeersFile.hpp"

namespace rtk::peermgr {

struct Candidate {
  CandidateUri uri;
  std::string origin;  // "Modules.peermgr.Peers[0]" or "/etc/peers.md:17"
};

struct CandidateNotice {
  bool warning = true;  // false: a note (exact repeat)
  std::string text;     // "<origin>: <why>"
};

class CandidateList {
 public:
  // `settingName` prefixes the origins of `peers` ("Modules.peermgr.Peers").
  void addSetting(const std::vector<std::string>& peers, std::string_view settingName);
  // `name` is how the file is named in notices (its path).
  void addPublicPeers(const PublicPeersList& list, std::string_view name);

  const std::vector<Candidate>& candidates() const { return candidates_; }
  const std::vector<CandidateNotice>& notices() const { return notices_; }

 private:
  void take(std::string_view text, std::string origin);

  std::vector<Candidate> candidates_;
  std::vector<CandidateNotice> notices_;
  std::unordered_map<std::string, std::size_t> byIdentity_;
};

}  // namespace rtk::peermgr
