// PeerUri — a parsed peer or listener URI with its link options.
//
// Schemes (yggdrasil-go 0.5.12 src/core/link.go):
//   tcp://host:port          tls://host:port          unix:///path
//   ws://host:port[/path]    wss://host:port[/path]
//   socks://[user:pass@]proxyhost:port/host:port
//   sockstls://[user:pass@]proxyhost:port/host:port
//   quic://host:port         parsed, then refused: Errc::NotSupported
// Query options (peers; listeners take priority= and password= only):
//   key=<64 hex>        pin the remote public key; repeatable, any pin matches
//   priority=<0..255>   link priority (the higher of both sides wins)
//   password=<text>     ≤ 64 bytes, keys the handshake's BLAKE2b hash
//   sni=<name>          TLS server name; IP literals are ignored
//   maxbackoff=<dur>    Go duration ≥ 30s capping the redial backoff
//
// Errors are rtk::Error with the URI (query removed, proxy password
// redacted) as context and yggdrasil's wording:
//   InvalidArgument  "link schema unknown", "priority value is invalid",
//                    "pinned public key is invalid", "invalid password supplied",
//                    "max backoff duration invalid", "invalid URI: ..."
//   NotSupported     "quic is not supported yet", SOCKS/QUIC listeners
//
// Deliberate differences from the Go node, all stricter or safer:
//   - a missing port is refused at parse time (Go fails at every dial);
//   - key= must be exactly 64 hex digits (Go zero-pads short keys);
//   - sockstls' default SNI is the target host, not the proxy host;
//   - ws/wss send only the URI path in the HTTP request, never the query
//     (Go sends the query, password included).
//
// Thread-safety: a value type; parse() is a pure function.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/types.hpp"

namespace rtk::core::link {

enum class LinkScheme { Tcp, Tls, Unix, Ws, Wss, Socks, SocksTls, Quic };

const char* schemeName(LinkScheme scheme);

// yggdrasil's defaultBackoffLimit (1s << 12) and minimumBackoffLimit.
constexpr std::chrono::seconds kDefaultMaxBackoff{1 << 12};
constexpr std::chrono::seconds kMinimumMaxBackoff{30};
// blake2b.Size: the longest key BLAKE2b-512 accepts.
constexpr std::size_t kMaxPasswordBytes = 64;

struct LinkOptions {
  std::vector<PublicKey> pinnedKeys;  // empty: any key
  std::uint8_t priority = 0;
  std::string password;               // empty: no password
  std::string tlsSni;                 // empty: send no SNI
  std::chrono::nanoseconds maxBackoff = kDefaultMaxBackoff;

  bool keyIsPinned(const PublicKey& key) const;
};

class PeerUri {
 public:
  enum class Purpose { Peer, Listen };

  // Throws rtk::Error as described above.
  static PeerUri parse(std::string_view text, Purpose purpose = Purpose::Peer);

  LinkScheme scheme() const { return scheme_; }
  // Host without brackets or zone decoding ("::1", "fe80::1%eth0", "example.com").
  // Empty for unix, and for listeners on every address ("tcp://:1234").
  const std::string& host() const { return host_; }
  std::uint16_t port() const { return port_; }
  // The decoded path: the socket for unix, the HTTP path for ws/wss.
  const std::string& path() const { return path_; }
  // SOCKS proxy credentials (from the user-info part); empty when none.
  const std::string& proxyUser() const { return proxyUser_; }
  const std::string& proxyPassword() const { return proxyPassword_; }
  // SOCKS target ("socks://proxy:port/<target host>:<target port>").
  const std::string& targetHost() const { return targetHost_; }
  std::uint16_t targetPort() const { return targetPort_; }
  const LinkOptions& options() const { return options_; }

  // The URI as given, lower-case scheme.
  const std::string& text() const { return text_; }
  // The link identity: the URI without its query and fragment, as
  // yggdrasil's urlForLinkInfo. Shown by getPeers.
  const std::string& identity() const { return identity_; }
  // identity() with a proxy password replaced by "xxxxx", for logs.
  const std::string& redacted() const { return redacted_; }

  // "host:port" with brackets around IPv6 hosts.
  static std::string joinHostPort(std::string_view host, std::uint16_t port);
  // A copy with the authority's host and port replaced (inbound link URIs:
  // the listener URI with the remote address); query and fragment dropped.
  PeerUri withRemote(std::string_view hostPort) const;

 private:
  LinkScheme scheme_ = LinkScheme::Tcp;
  std::string host_;
  std::uint16_t port_ = 0;
  std::string path_;
  std::string proxyUser_, proxyPassword_;
  std::string targetHost_;
  std::uint16_t targetPort_ = 0;
  LinkOptions options_;
  std::string text_, identity_, redacted_;
};

}  // namespace rtk::core::link
