#include "PublicPeersFile.hpp"

#include <array>
#include <cctype>

namespace rtk::peermgr {

namespace {

// Whether `s` is valid UTF-8 without C0 controls (tab allowed) or DEL.
bool isTextLine(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
      ++i;
      continue;
    }
    std::size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    if (len == 0 || c > 0xf4 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    const auto c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f) || (c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 > 0x8f))
      return false;
    i += len;
  }
  return true;
}

// A peer URI written without backticks: one of the link schemes followed by "://".
bool hasBarePeerUri(std::string_view outside) {
  static constexpr std::array<std::string_view, 8> schemes{"tcp://", "tls://", "quic://", "ws://", "wss://", "unix://", "socks://", "sockstls://"};
  for (auto scheme : schemes) {
    for (auto at = outside.find(scheme); at != std::string_view::npos; at = outside.find(scheme, at + 1)) {
      // a word start: "sockstls://" must not count as "tls://" twice
      if (at == 0 || !std::isalnum(static_cast<unsigned char>(outside[at - 1]))) return true;
    }
  }
  return false;
}

void readLine(std::string_view line, std::size_t number, PublicPeersList& out) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > kPublicPeersMaxLine) {
    out.issues.push_back({number, "line of " + std::to_string(line.size()) + " bytes (over " +
                                      std::to_string(kPublicPeersMaxLine) + "): skipped"});
    return;
  }
  if (!isTextLine(line)) {
    out.issues.push_back({number, "not text (control bytes or invalid UTF-8): skipped"});
    return;
  }
  std::size_t ticks = 0;
  for (char c : line) ticks += c == '`' ? 1 : 0;
  if (ticks % 2 != 0) {
    out.issues.push_back({number, "unmatched backtick: skipped"});
    return;
  }
  std::string outside;
  std::size_t pos = 0;
  while (pos < line.size()) {
    auto open = line.find('`', pos);
    if (open == std::string_view::npos) {
      outside.append(line.substr(pos));
      break;
    }
    outside.append(line.substr(pos, open - pos));
    auto close = line.find('`', open + 1);  // exists: the count is even
    std::string_view span = line.substr(open + 1, close - open - 1);
    if (span.find("://") != std::string_view::npos) {
      if (out.entries.size() == kPublicPeersMaxEntries) {
        out.issues.push_back({number, "more than " + std::to_string(kPublicPeersMaxEntries) +
                                          " peer URIs: this one and the rest are not used"});
        return;
      }
      out.entries.push_back({number, std::string(span)});
    }
    pos = close + 1;
  }
  if (hasBarePeerUri(outside)) out.issues.push_back({number, "peer URI outside backticks: not used (quote it as `uri`)"});
}

}  // namespace

PublicPeersList parsePublicPeers(std::string_view text) {
  PublicPeersList out;
  if (text.size() > kPublicPeersMaxBytes) {
    out.issues.push_back({0, "file of " + std::to_string(text.size()) + " bytes, over the limit of " +
                                 std::to_string(kPublicPeersMaxBytes) + ": only the first " +
                                 std::to_string(kPublicPeersMaxBytes) + " read"});
    text = text.substr(0, kPublicPeersMaxBytes);
  }
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    readLine(line, number, out);
    if (out.entries.size() == kPublicPeersMaxEntries && !out.issues.empty() &&
        out.issues.back().what.rfind("more than", 0) == 0)
      break;
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace rtk::peermgr
