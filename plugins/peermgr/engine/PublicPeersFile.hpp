// PublicPeersFile — reads the markdown lists of the
// yggdrasil-network/public-peers repository (one file per country, or
// several concatenated): every `code span` holding "://" on a line is a
// candidate, in file order, with its line number. Nothing else of the
// markdown matters (headings, operators, prose, `Peers: []`).
//
// What it reports instead of taking (each naming the line, the rest read on):
//   - a line with NUL / control bytes (other than tab and CR) or invalid
//     UTF-8: "not text";
//   - a line over 4096 bytes: "too long";
//   - an odd number of backticks: "unmatched backtick";
//   - a peer URI (tcp:// tls:// quic:// ws:// wss:// unix:// socks://
//     sockstls://) outside backticks: the lists always quote them, so it is
//     probably a typo; not used.
// URI syntax is not checked here (CandidateList does it, naming the line).
// Limits: at most kMaxBytes of input (the rest is refused with one issue)
// and kMaxEntries entries (the rest dropped with one issue).
// Thread-safety: pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rtk::peermgr {

struct PublicPeersEntry {
  std::size_t line = 0;  // 1-based
  std::string text;      // the code span's content, untrimmed
};

struct PublicPeersIssue {
  std::size_t line = 0;
  std::string what;
};

struct PublicPeersList {
  std::vector<PublicPeersEntry> entries;
  std::vector<PublicPeersIssue> issues;
};

inline constexpr std::size_t kPublicPeersMaxBytes = 4 * 1024 * 1024;
inline constexpr std::size_t kPublicPeersMaxEntries = 4096;
inline constexpr std::size_t kPublicPeersMaxLine = 4096;

PublicPeersList parsePublicPeers(std::string_view text);

}  // namespace rtk::peermgr
