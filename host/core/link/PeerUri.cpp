#include "core/link/PeerUri.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "core/link/GoDuration.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::link {
namespace {

[[noreturn]] void fail(Errc code, std::string_view context, std::string_view reason) {
  throw Error(code, "links: " + std::string(context) + ": " + std::string(reason));
}

// Percent-decoding as Go's url.PathUnescape / QueryUnescape.
std::optional<std::string> unescape(std::string_view raw, bool plusIsSpace) {
  // Poco's plusAsSpace only applies after a '?', so spaces are spelled out here.
  std::string text(raw);
  if (plusIsSpace) std::replace(text.begin(), text.end(), '+', ' ');
  std::string out;
  try {
    Poco::URI::decode(text, out, false);
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
  return out;
}

bool isIpLiteral(const std::string& host) {
  // net.ParseIP: dotted IPv4 or IPv6 text, no zone, no brackets. inet_pton
  // is exactly that strict (inet_aton would also take "1" or "0x7f.1").
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

bool validHostChars(std::string_view host) {
  for (unsigned char c : host) {
    if (c <= 0x20 || c == 0x7f) return false;
    if (std::string_view("\"<>\\^`{|}/?#@[]").find(char(c)) != std::string_view::npos) return false;
  }
  return true;
}

struct HostPort {
  std::string host;
  std::optional<std::uint16_t> port;  // nullopt: no port given
};

// "host", "host:port", "[v6]", "[v6]:port". The host is percent-decoded so a
// zone may be written "%25eth0" as RFC 6874 wants.
HostPort splitHostPort(std::string_view raw, std::string_view context) {
  HostPort out;
  std::string_view hostPart, portPart;
  bool hasPort = false;
  if (!raw.empty() && raw.front() == '[') {
    auto close = raw.find(']');
    if (close == std::string_view::npos) fail(Errc::InvalidArgument, context, "invalid URI: missing ']' in host");
    hostPart = raw.substr(1, close - 1);
    auto rest = raw.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') fail(Errc::InvalidArgument, context, "invalid URI: unexpected characters after ']'");
      hasPort = true;
      portPart = rest.substr(1);
    }
    if (hostPart.find(':') == std::string_view::npos)
      fail(Errc::InvalidArgument, context, "invalid URI: brackets around a host that is not IPv6");
  } else {
    auto colon = raw.rfind(':');
    if (colon != std::string_view::npos) {
      hostPart = raw.substr(0, colon);
      portPart = raw.substr(colon + 1);
      hasPort = true;
      if (hostPart.find(':') != std::string_view::npos)
        fail(Errc::InvalidArgument, context, "invalid URI: too many colons in address (IPv6 hosts need brackets)");
    } else {
      hostPart = raw;
    }
  }
  auto host = unescape(hostPart, false);
  if (!host) fail(Errc::InvalidArgument, context, "invalid URI: invalid escape in host");
  // Brackets only enclose IPv6 text; a decoded zone may hold any interface name.
  std::string_view checked = *host;
  if (auto pct = checked.find('%'); pct != std::string_view::npos && raw.front() == '[') checked = checked.substr(0, pct);
  if (!validHostChars(checked)) fail(Errc::InvalidArgument, context, "invalid URI: invalid character in host");
  out.host = std::move(*host);
  if (hasPort && !portPart.empty()) {
    if (portPart.size() > 5 || !std::all_of(portPart.begin(), portPart.end(), [](char c) { return c >= '0' && c <= '9'; }))
      fail(Errc::InvalidArgument, context, "invalid URI: invalid port \"" + std::string(portPart) + "\"");
    unsigned long value = std::stoul(std::string(portPart));
    if (value > 65535) fail(Errc::InvalidArgument, context, "invalid URI: port " + std::string(portPart) + " out of range");
    out.port = static_cast<std::uint16_t>(value);
  }
  return out;
}

// Go's url.ParseQuery: '&'-separated pairs, '+' is a space, %XX escapes.
std::vector<std::pair<std::string, std::string>> parseQuery(std::string_view raw, std::string_view context) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!raw.empty()) {
    auto amp = raw.find('&');
    auto pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto name = unescape(pair.substr(0, eq), true);
    auto value = unescape(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!name || !value) fail(Errc::InvalidArgument, context, "invalid URI: invalid escape in query");
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

const std::string* firstValue(const std::vector<std::pair<std::string, std::string>>& query, std::string_view name) {
  for (const auto& [k, v] : query)
    if (k == name) return &v;
  return nullptr;
}

std::optional<LinkScheme> schemeFromName(std::string_view name) {
  if (name == "tcp") return LinkScheme::Tcp;
  if (name == "tls") return LinkScheme::Tls;
  if (name == "unix") return LinkScheme::Unix;
  if (name == "ws") return LinkScheme::Ws;
  if (name == "wss") return LinkScheme::Wss;
  if (name == "socks") return LinkScheme::Socks;
  if (name == "sockstls") return LinkScheme::SocksTls;
  if (name == "quic") return LinkScheme::Quic;
  return std::nullopt;
}

}  // namespace

const char* schemeName(LinkScheme scheme) {
  switch (scheme) {
    case LinkScheme::Tcp: return "tcp";
    case LinkScheme::Tls: return "tls";
    case LinkScheme::Unix: return "unix";
    case LinkScheme::Ws: return "ws";
    case LinkScheme::Wss: return "wss";
    case LinkScheme::Socks: return "socks";
    case LinkScheme::SocksTls: return "sockstls";
    case LinkScheme::Quic: return "quic";
  }
  return "?";
}

bool LinkOptions::keyIsPinned(const PublicKey& key) const {
  return pinnedKeys.empty() || std::find(pinnedKeys.begin(), pinnedKeys.end(), key) != pinnedKeys.end();
}

std::string PeerUri::joinHostPort(std::string_view host, std::uint16_t port) {
  std::string out;
  if (host.find(':') != std::string_view::npos)
    out.append("[").append(host).append("]");
  else
    out.append(host);
  return out.append(":").append(std::to_string(port));
}

PeerUri PeerUri::parse(std::string_view text, Purpose purpose) {
  // The context of every error: the text before the query, so a password=
  // option never reaches a log line. Refined below once the parts are known.
  std::string context(text.substr(0, std::min(text.find_first_of("?#"), text.size())));
  if (context.empty()) context = "\"\"";

  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) fail(Errc::InvalidArgument, context, "invalid URI: missing scheme");
  std::string scheme(text.substr(0, colon));
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(scheme[i]);
    bool ok = std::isalpha(c) || (i > 0 && (std::isdigit(c) || c == '+' || c == '-' || c == '.'));
    if (!ok) fail(Errc::InvalidArgument, context, "invalid URI: invalid character in scheme");
    scheme[i] = static_cast<char>(std::tolower(c));
  }
  std::string_view rest = text.substr(colon + 1);
  if (rest.substr(0, 2) != "//") fail(Errc::InvalidArgument, context, "invalid URI: expected \"//\" after the scheme");
  rest.remove_prefix(2);

  auto authorityEnd = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view authority = rest.substr(0, authorityEnd);
  std::string_view afterAuthority = rest.substr(authorityEnd);
  auto pathEnd = std::min(afterAuthority.find_first_of("?#"), afterAuthority.size());
  std::string_view rawPath = afterAuthority.substr(0, pathEnd);
  std::string_view rawQuery;
  if (pathEnd < afterAuthority.size() && afterAuthority[pathEnd] == '?') {
    rawQuery = afterAuthority.substr(pathEnd + 1);
    rawQuery = rawQuery.substr(0, std::min(rawQuery.find('#'), rawQuery.size()));
  }

  PeerUri uri;
  // Go takes the user info up to the last '@'.
  auto at = authority.rfind('@');
  std::string_view userInfo = at == std::string_view::npos ? std::string_view() : authority.substr(0, at);
  std::string_view hostPort = at == std::string_view::npos ? authority : authority.substr(at + 1);
  std::string redactedAuthority(authority);
  if (auto passColon = userInfo.find(':'); passColon != std::string_view::npos)
    redactedAuthority = std::string(userInfo.substr(0, passColon)) + ":xxxxx@" + std::string(hostPort);
  uri.text_ = scheme + std::string(text.substr(colon));
  uri.identity_ = scheme + "://" + std::string(authority) + std::string(rawPath);
  uri.redacted_ = scheme + "://" + redactedAuthority + std::string(rawPath);
  context = uri.redacted_;

  auto known = schemeFromName(scheme);
  if (!known) fail(Errc::InvalidArgument, context, "link schema unknown");
  uri.scheme_ = *known;
  if (uri.scheme_ == LinkScheme::Quic) fail(Errc::NotSupported, context, "quic is not supported yet");
  if (purpose == Purpose::Listen && (uri.scheme_ == LinkScheme::Socks || uri.scheme_ == LinkScheme::SocksTls))
    fail(Errc::NotSupported, context, "SOCKS listener not supported");

  auto path = unescape(rawPath, false);
  if (!path) fail(Errc::InvalidArgument, context, "invalid URI: invalid escape in path");
  uri.path_ = std::move(*path);

  if (uri.scheme_ == LinkScheme::Unix) {
    // Go dials and listens on url.Path; the authority is ignored.
    if (uri.path_.empty()) fail(Errc::InvalidArgument, context, "invalid URI: unix socket path missing");
  } else {
    auto hp = splitHostPort(hostPort, context);
    if (!hp.port) fail(Errc::InvalidArgument, context, "missing port in address");
    if (purpose == Purpose::Peer) {
      if (hp.host.empty()) fail(Errc::InvalidArgument, context, "invalid URI: missing host");
      if (*hp.port == 0) fail(Errc::InvalidArgument, context, "invalid URI: port 0 cannot be dialled");
    }
    uri.host_ = std::move(hp.host);
    uri.port_ = *hp.port;
  }

  if (uri.scheme_ == LinkScheme::Socks || uri.scheme_ == LinkScheme::SocksTls) {
    if (!userInfo.empty()) {
      auto userColon = userInfo.find(':');
      auto user = unescape(userInfo.substr(0, userColon), false);
      auto pass = unescape(userColon == std::string_view::npos ? std::string_view() : userInfo.substr(userColon + 1), false);
      if (!user || !pass) fail(Errc::InvalidArgument, context, "invalid URI: invalid escape in user info");
      if (user->size() > 255 || pass->size() > 255)
        fail(Errc::InvalidArgument, context, "SOCKS user name and password are at most 255 bytes each");
      uri.proxyUser_ = std::move(*user);
      uri.proxyPassword_ = std::move(*pass);
    }
    // As Go: the first path segment, slashes trimmed, is the target.
    std::string_view target = uri.path_;
    while (!target.empty() && target.front() == '/') target.remove_prefix(1);
    while (!target.empty() && target.back() == '/') target.remove_suffix(1);
    target = target.substr(0, std::min(target.find('/'), target.size()));
    if (target.empty()) fail(Errc::InvalidArgument, context, "SOCKS target missing (socks://proxy:port/host:port)");
    auto hp = splitHostPort(target, context);
    if (!hp.port || *hp.port == 0 || hp.host.empty())
      fail(Errc::InvalidArgument, context, "SOCKS target must be host:port");
    if (hp.host.size() > 255) fail(Errc::InvalidArgument, context, "SOCKS target host name longer than 255 bytes");
    uri.targetHost_ = std::move(hp.host);
    uri.targetPort_ = *hp.port;
  }

  // Options, checked in the order link.go checks them.
  auto query = parseQuery(rawQuery, context);
  LinkOptions& o = uri.options_;
  if (purpose == Purpose::Peer) {
    for (const auto& [k, v] : query) {
      if (k != "key") continue;
      auto key = PublicKey::fromHex(v);
      if (!key) fail(Errc::InvalidArgument, context, "pinned public key is invalid");
      if (std::find(o.pinnedKeys.begin(), o.pinnedKeys.end(), *key) == o.pinnedKeys.end()) o.pinnedKeys.push_back(*key);
    }
  }
  if (const auto* p = firstValue(query, "priority"); p && !p->empty()) {
    // strconv.ParseUint(p, 10, 8): decimal digits only (leading zeros fine), at most 255.
    unsigned value = 0;
    for (char c : *p) {
      if (c < '0' || c > '9') fail(Errc::InvalidArgument, context, "priority value is invalid");
      value = value * 10 + unsigned(c - '0');
      if (value > 255) fail(Errc::InvalidArgument, context, "priority value is invalid");
    }
    o.priority = static_cast<std::uint8_t>(value);
  }
  if (const auto* p = firstValue(query, "password"); p && !p->empty()) {
    if (p->size() > kMaxPasswordBytes) fail(Errc::InvalidArgument, context, "invalid password supplied");
    o.password = *p;
  }
  if (purpose == Purpose::Peer) {
    if (const auto* p = firstValue(query, "maxbackoff"); p && !p->empty()) {
      auto d = parseGoDuration(*p);
      if (!d || *d < kMinimumMaxBackoff) fail(Errc::InvalidArgument, context, "max backoff duration invalid");
      o.maxBackoff = *d;
    }
    // SNI must be a name: an IP literal in sni= is ignored, and so is an IP
    // literal host when falling back to the URI's host.
    if (const auto* p = firstValue(query, "sni"); p && !p->empty() && !isIpLiteral(*p)) o.tlsSni = *p;
    if (o.tlsSni.empty()) {
      const std::string& fallback = (uri.scheme_ == LinkScheme::SocksTls) ? uri.targetHost_ : uri.host_;
      if (uri.scheme_ != LinkScheme::Unix && !fallback.empty() && !isIpLiteral(fallback) &&
          fallback.find('%') == std::string::npos)
        o.tlsSni = fallback;
    }
  }
  return uri;
}

PeerUri PeerUri::withRemote(std::string_view hostPort) const {
  // As link.go's listener: the listener URL with its host replaced by the
  // remote address, query dropped.
  PeerUri copy = *this;
  copy.identity_ = std::string(schemeName(scheme_)) + "://" + std::string(hostPort) + path_;
  copy.redacted_ = copy.identity_;
  copy.text_ = copy.identity_;
  return copy;
}

}  // namespace rtk::core::link
