// Public-peers files as peermgr reads them: any bytes give entries and
// issues within the limits, every entry lies on a line that exists and
// contains no newline; the candidate list built from them holds only URIs
// that parse again to themselves, each identity once; nothing throws.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>

#include "peermgr/CandidateList.hpp"
#include "peermgr/PublicPeersFile.hpp"

using namespace rtk::peermgr;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const PublicPeersList list = parsePublicPeers(text);
  std::size_t lines = 1;
  for (char c : text) lines += c == '\n' ? 1 : 0;
  if (list.entries.size() > kPublicPeersMaxEntries) std::abort();
  for (const auto& e : list.entries) {
    if (e.line == 0 || e.line > lines) std::abort();
    if (e.text.find('\n') != std::string::npos || e.text.find("://") == std::string::npos) std::abort();
  }
  for (const auto& i : list.issues)
    if (i.line > lines || i.what.empty()) std::abort();

  CandidateList candidates;
  candidates.addPublicPeers(list, "fuzz.md");
  std::set<std::string> identities;
  for (const auto& c : candidates.candidates()) {
    if (!identities.insert(c.uri.identity).second) std::abort();
    const CandidateUri again = parseCandidateUri(c.uri.uri);
    if (again.uri != c.uri.uri || again.identity != c.uri.identity) std::abort();
  }
  if (candidates.candidates().size() + candidates.notices().size() < list.entries.size()) std::abort();
  return 0;
}
