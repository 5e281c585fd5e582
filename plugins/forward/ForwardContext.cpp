#include "ForwardContext.hpp"

#include "ratatoskr/address.hpp"

namespace rtk::plugins::forward {

std::optional<PublicKey> ForwardContext::keyOf(const Ip6Address& address) const {
  if (!diagnostics || !address.isYggdrasil()) return std::nullopt;
  const bool isSubnet = address.bytes[0] == address::kSubnetPrefix;
  const address::PartialKey partial = isSubnet ? address::partialKeyForSubnet(address) : address::partialKeyForAddress(address);
  try {
    for (const auto& s : diagnostics->getSessions())
      if (partial.matches(s.key)) return s.key;
  } catch (const Error&) {
    // No key then; the caller is still named by its address.
  }
  return std::nullopt;
}

}  // namespace rtk::plugins::forward
