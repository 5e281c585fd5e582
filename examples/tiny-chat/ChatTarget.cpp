#include "ChatTarget.hpp"

#include <ratatoskr/address.hpp>
#include <ratatoskr/net.hpp>

namespace tinychat {

std::string dialAddress(std::string_view who, std::uint16_t port) {
  const std::string suffix = "]:" + std::to_string(port);
  if (rtk::address::isPkYggName(who))
    return "[" + rtk::formatAddress(rtk::address::addressForKey(rtk::address::keyFromPkYggName(who))) + suffix;
  if (auto key = rtk::PublicKey::fromHex(who)) return "[" + rtk::formatAddress(rtk::address::addressForKey(*key)) + suffix;
  auto address = rtk::parseAddress(who);
  if (!address || !(rtk::address::isValidAddress(*address) || rtk::address::isValidSubnet(*address)))
    throw rtk::Error(rtk::Errc::InvalidArgument,
                     "\"" + std::string(who) +
                         "\" is not a Yggdrasil address (200::/7), <64 hex digits>.pk.ygg name or 64-hex-digit key");
  return "[" + rtk::formatAddress(*address) + suffix;
}

}  // namespace tinychat
