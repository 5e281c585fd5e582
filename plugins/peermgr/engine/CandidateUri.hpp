// CandidateUri — one peer URI as peermgr takes it from its settings or a
// public-peers file: checked, normalised, and given the identity it is
// de-duplicated and matched to the node's peer list by.
//
// Rules (plugins.md §2.2, plus two of ours):
//   - surrounding whitespace trimmed; the form is <scheme>://<authority>[/path][?query][#fragment];
//     a URI without "://", with an empty host (and, for unix://, an empty
//     path), with spaces or control bytes, a non-numeric or > 65535 port, or
//     an unbalanced "[ipv6]" is refused;
//   - the scheme must be one this node can dial (tcp, tls, ws, wss, unix,
//     socks, sockstls): Go accepts any and leaves e.g. quic:// candidates in
//     back-off forever; we refuse them up front with a reason (NotSupported);
//   - the stored form lower-cases scheme and host and keeps the rest (the
//     query carries key= and password=);
//   - the identity drops userinfo, query and fragment and keeps the path:
//     tls://h:1?key=A and tls://h:1?key=B are the same peer, and so is the
//     node's getPeers() entry "tls://h:1" (the core reports URIs without
//     their query).
// Errors: rtk::Error InvalidArgument / NotSupported whose message names the
// URI with its query redacted. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace rtk::peermgr {

struct CandidateUri {
  std::string uri;       // connection form: scheme and host lower-cased, query kept
  std::string identity;  // scheme://host[:port][/path], lower-cased scheme and host
  std::string scheme;    // "tcp", "tls", ...
  std::string query;     // without "?", may be empty
  // The uri with its query replaced by "?…" (for logs: keys and passwords stay out).
  std::string redacted() const;
  // The value of key= in the query, or "".
  std::string pinnedKey() const;
};

CandidateUri parseCandidateUri(std::string_view text);

// The identity of a URI as the node's getPeers() shows it; "" when it does
// not parse (inbound entries "tcp://[fe80::1%eth0]:1234" do parse).
std::string identityOf(std::string_view uri);

// Whether this node can dial the scheme.
bool isDialableScheme(std::string_view scheme);

}  // namespace rtk::peermgr
