#include "AskTarget.hpp"

#include <algorithm>

#include "AskErrors.hpp"
#include "ratatoskr/address.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::ninfo {

namespace {

bool isHexDigit(char c) { return rtk::detail::hexNibble(c) >= 0; }

bool onlyHexAndColons(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ':' || isHexDigit(c); });
}

std::string_view trimmed(std::string_view s) {
  constexpr std::string_view space = " \t\r\n\v\f";
  auto first = s.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(space) - first + 1);
}

// The host part of "[host]:port" or the whole bare form; empty when neither shape fits.
std::string_view ipv6Part(std::string_view s) {
  if (!s.empty() && s.front() == '[') {
    auto close = s.find("]:");
    if (close == std::string_view::npos) return {};
    std::string_view host = s.substr(1, close - 1), port = s.substr(close + 2);
    bool portOk = !port.empty() && port.size() <= 5 &&
                  std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (host.empty() || !portOk || !onlyHexAndColons(host)) return {};
    return host;
  }
  if (s.find(':') == std::string_view::npos || !onlyHexAndColons(s)) return {};
  return s;
}

AskTarget fromAddress(std::string text, std::string_view host) {
  auto parsed = parseAddress(host);
  if (!parsed) throw errors::badTarget(text, "not a valid IPv6 address");
  AskTarget t;
  t.text = std::move(text);
  if (address::isValidAddress(*parsed)) {
    t.kind = AskTarget::Kind::Address;
    t.address = *parsed;
  } else if (address::isValidSubnet(*parsed)) {
    t.kind = AskTarget::Kind::Subnet;
    t.address = *parsed;
    std::fill(t.address.bytes.begin() + 8, t.address.bytes.end(), std::uint8_t{0});
  } else {
    throw errors::notYggdrasil(t.text);
  }
  return t;
}

}  // namespace

AskTarget parseTarget(std::string_view input) {
  std::string text(trimmed(input));
  if (text.empty()) throw errors::badTarget(input, "empty (expected a key, <key>.pk.ygg, [address]:port or an address)");

  if (address::isPkYggName(text)) {
    std::string_view name = text;
    if (name.back() == '.') name.remove_suffix(1);
    std::string_view hex = name.substr(0, name.size() - address::kPkYggSuffix.size());
    if (hex.size() != 2 * PublicKey::size) {
      throw errors::badTarget(text, "expected exactly 64 hex digits before .pk.ygg (no subdomain), found " +
                                        std::to_string(hex.size()) + " characters");
    }
    auto key = PublicKey::fromHex(hex);
    if (!key) throw errors::badTarget(text, "the key before .pk.ygg is not hex");
    return AskTarget{AskTarget::Kind::Key, std::move(text), *key, {}};
  }
  if (text.size() == 2 * PublicKey::size && text.find(':') == std::string::npos) {
    auto key = PublicKey::fromHex(text);
    if (!key) throw errors::badTarget(text, "64 characters but not hex (a key is 64 hex digits)");
    return AskTarget{AskTarget::Kind::Key, std::move(text), *key, {}};
  }
  std::string_view host = ipv6Part(text);
  if (host.empty()) {
    throw errors::badTarget(text, "expected 64 hex digits, <64 hex>.pk.ygg, [ipv6]:port or an IPv6 address "
                                  "(no hostnames, IPv4, zones or dotted quads)");
  }
  return fromAddress(text, host);
}

std::string describeAddress(const AskTarget& target) {
  std::string out = formatAddress(target.address);
  if (target.kind == AskTarget::Kind::Subnet) out += "/64";
  return out;
}

}  // namespace rtk::ninfo
