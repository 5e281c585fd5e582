#include "AccessList.hpp"

#include <algorithm>

#include "ratatoskr/address.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::plugins::forward {

void AccessList::addKey(std::string_view hex) {
  auto key = PublicKey::fromHex(hex);
  if (!key) {
    throw Error(Errc::InvalidArgument, "\"" + std::string(hex) + "\" is not a public key (64 hex digits, got " +
                                           std::to_string(hex.size()) + " characters)");
  }
  keyAddresses_.push_back(address::addressForKey(*key));
}

void AccessList::addPrefix(std::string_view cidr) {
  const std::string quoted = "\"" + std::string(cidr) + "\"";
  auto slash = cidr.find('/');
  if (slash == std::string_view::npos) throw Error(Errc::InvalidArgument, quoted + " is not a prefix (want <IPv6>/<bits>)");
  auto address = parseAddress(cidr.substr(0, slash));
  std::string_view bitsText = cidr.substr(slash + 1);
  unsigned bits = 0;
  bool bitsOk = !bitsText.empty() && bitsText.size() <= 3;
  for (char c : bitsText) {
    if (c < '0' || c > '9') bitsOk = false;
    else bits = bits * 10 + static_cast<unsigned>(c - '0');
  }
  if (!address || cidr.substr(0, slash).find('%') != std::string_view::npos)
    throw Error(Errc::InvalidArgument, quoted + ": \"" + std::string(cidr.substr(0, slash)) + "\" is not an IPv6 address");
  if (!bitsOk || bits > 128) throw Error(Errc::InvalidArgument, quoted + ": the prefix length must be 0..128");
  if (bits < 7 || !address->isYggdrasil())
    throw Error(Errc::InvalidArgument, quoted + " is not inside the Yggdrasil range 200::/7");
  prefixes_.push_back({*address, bits});
}

bool AccessList::allows(const Ip6Address& source) const {
  if (empty()) return true;
  for (const auto& a : keyAddresses_)
    if (a == source) return true;
  for (const auto& p : prefixes_) {
    unsigned full = p.bits / 8, rest = p.bits % 8;
    bool match = std::equal(p.address.bytes.begin(), p.address.bytes.begin() + full, source.bytes.begin());
    if (match && rest) {
      auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
      match = (p.address.bytes[full] & mask) == (source.bytes[full] & mask);
    }
    if (match) return true;
  }
  return false;
}

}  // namespace rtk::plugins::forward
