#include "CandidateList.hpp"

#include "ratatoskr/error.hpp"

namespace rtk::peermgr {

void CandidateList::addSetting(const std::vector<std::string>& peers, std::string_view settingName) {
  for (std::size_t i = 0; i < peers.size(); ++i) take(peers[i], std::string(settingName) + "[" + std::to_string(i) + "]");
}

void CandidateList::addPublicPeers(const PublicPeersList& list, std::string_view name) {
  for (const auto& issue : list.issues) {
    notices_.push_back({true, std::string(name) + (issue.line ? ":" + std::to_string(issue.line) : "") + ": " + issue.what});
  }
  for (const auto& entry : list.entries) take(entry.text, std::string(name) + ":" + std::to_string(entry.line));
}

void CandidateList::take(std::string_view text, std::string origin) {
  CandidateUri uri;
  try {
    uri = parseCandidateUri(text);
  } catch (const Error& e) {
    std::string why = e.what();
    if (why.rfind("peermgr: ", 0) == 0) why.erase(0, 9);
    notices_.push_back({true, origin + ": " + why + " (skipped)"});
    return;
  }
  if (auto found = byIdentity_.find(uri.identity); found != byIdentity_.end()) {
    const Candidate& earlier = candidates_[found->second];
    if (earlier.uri.uri == uri.uri) {
      notices_.push_back({false, origin + ": " + uri.redacted() + " repeats " + earlier.origin + " (skipped)"});
    } else if (earlier.uri.pinnedKey() != uri.pinnedKey()) {
      notices_.push_back({true, origin + ": " + uri.redacted() + " is the same peer as " + earlier.origin +
                                    " but pins a different key= (skipped; the first one is used)"});
    } else {
      notices_.push_back({true, origin + ": " + uri.redacted() + " is the same peer as " + earlier.origin +
                                    " with other options (skipped; the first one is used)"});
    }
    return;
  }
  byIdentity_.emplace(uri.identity, candidates_.size());
  candidates_.push_back({std::move(uri), std::move(origin)});
}

}  // namespace rtk::peermgr
