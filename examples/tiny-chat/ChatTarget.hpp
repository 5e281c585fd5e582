// The other side of a chat as the user names it, turned into the
// "[address]:port" that rtk::Node::dial takes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tinychat {

// `who` is a node address ("200:…"), a "<64 hex>.pk.ygg" name or a bare key
// (64 hex digits); the key forms stand for the key's 200::/7 address.
// Throws rtk::Error(InvalidArgument) naming `who` when it is none of these.
std::string dialAddress(std::string_view who, std::uint16_t port);

}  // namespace tinychat
