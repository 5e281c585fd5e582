#include "CandidateUri.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "ratatoskr/error.hpp"

namespace rtk::peermgr {

namespace {

constexpr std::array<std::string_view, 7> kDialableSchemes{"tcp", "tls", "ws", "wss", "unix", "socks", "sockstls"};

std::string lowered(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// What a message may show of a URI that did not parse: up to the query, at most 120 bytes.
std::string shownOf(std::string_view text) {
  std::string_view cut = text.substr(0, text.find('?'));
  std::string out;
  for (char c : cut.substr(0, 120)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  if (cut.size() > 120) out += "…";
  if (cut.size() != text.size()) out += "?…";
  return out;
}

[[noreturn]] void refuse(Errc code, std::string_view text, const std::string& why) {
  throw Error(code, "peermgr: \"" + shownOf(text) + "\": " + why);
}

bool validSchemeName(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s.front()))) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '+' || c == '-' || c == '.'; });
}

// Splits "host[:port]" (host may be "[ipv6]"); checks the port.
void checkHostPort(std::string_view text, std::string_view hostPort, std::string_view& host) {
  std::string_view port;
  if (!hostPort.empty() && hostPort.front() == '[') {
    auto close = hostPort.find(']');
    if (close == std::string_view::npos) refuse(Errc::InvalidArgument, text, "unbalanced '[' in the host");
    host = hostPort.substr(0, close + 1);
    auto rest = hostPort.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') refuse(Errc::InvalidArgument, text, "unexpected text after ']'");
      port = rest.substr(1);
      if (port.empty()) refuse(Errc::InvalidArgument, text, "empty port");
    }
    if (host.size() <= 2) refuse(Errc::InvalidArgument, text, "empty IPv6 address");
  } else {
    auto colon = hostPort.rfind(':');
    host = hostPort.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = hostPort.substr(colon + 1);
      if (port.empty()) refuse(Errc::InvalidArgument, text, "empty port");
    }
    if (host.find_first_of("[]") != std::string_view::npos) refuse(Errc::InvalidArgument, text, "stray '[' or ']' in the host");
    if (host.find(':') != std::string_view::npos) refuse(Errc::InvalidArgument, text, "IPv6 address without brackets");
  }
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
        std::stoul(std::string(port)) > 65535) {
      refuse(Errc::InvalidArgument, text, "port \"" + std::string(port.substr(0, 16)) + "\" is not a number from 0 to 65535");
    }
  }
}

}  // namespace

bool isDialableScheme(std::string_view scheme) {
  return std::find(kDialableSchemes.begin(), kDialableSchemes.end(), scheme) != kDialableSchemes.end();
}

CandidateUri parseCandidateUri(std::string_view raw) {
  const std::string_view text = trimmed(raw);
  if (text.empty()) refuse(Errc::InvalidArgument, text, "empty");
  if (text.size() > 2048) refuse(Errc::InvalidArgument, text, "longer than 2048 bytes");
  for (unsigned char c : text) {
    if (c <= 0x20 || c == 0x7f) refuse(Errc::InvalidArgument, text, "contains a space or a control byte");
  }
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) refuse(Errc::InvalidArgument, text, "not a URI (no \"<scheme>://\")");
  const std::string scheme = lowered(text.substr(0, sep));
  if (!validSchemeName(scheme)) refuse(Errc::InvalidArgument, text, "bad scheme \"" + shownOf(scheme) + "\"");

  std::string_view rest = text.substr(sep + 3);
  std::string_view fragment, query;
  bool hasQuery = false;
  if (auto hash = rest.find('#'); hash != std::string_view::npos) {
    fragment = rest.substr(hash);
    rest = rest.substr(0, hash);
  }
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    hasQuery = true;
  }
  std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view path = rest.substr(authority.size());
  std::string_view userinfo;
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    userinfo = authority.substr(0, at + 1);
    authority = authority.substr(at + 1);
  }
  std::string_view host;
  checkHostPort(text, authority, host);
  if (host.empty() && (scheme != "unix" || path.empty())) refuse(Errc::InvalidArgument, text, "no host");
  if (!isDialableScheme(scheme)) refuse(Errc::NotSupported, text, "scheme \"" + scheme + "\" is not supported by this node");

  CandidateUri out;
  out.scheme = scheme;
  out.query = std::string(query);
  const std::string hostPort = lowered(authority);
  out.identity = scheme + "://" + hostPort + std::string(path);
  out.uri = scheme + "://" + std::string(userinfo) + hostPort + std::string(path) +
            (hasQuery ? "?" + std::string(query) : "") + std::string(fragment);
  return out;
}

std::string CandidateUri::redacted() const {
  auto q = uri.find('?');
  return q == std::string::npos ? uri : uri.substr(0, q) + "?…";
}

std::string CandidateUri::pinnedKey() const {
  std::string_view q = query;
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    if (pair.substr(0, 4) == "key=") return std::string(pair.substr(4));
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return {};
}

std::string identityOf(std::string_view uri) {
  try {
    return parseCandidateUri(uri).identity;
  } catch (const Error&) {
    return {};
  }
}

}  // namespace rtk::peermgr
