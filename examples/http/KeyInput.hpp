// Keys from outside: a request's key parameter, and a remote node's peers as
// the node hands them over (parsePeerList):
// ["<64 hex>", …]. The list comes from another node, so it is outside input:
// entries that are not 64 hex digits are skipped, at most `maxKeys` are
// kept, and the keys come back sorted and unique. Throws rtk::Error(Protocol)
// for anything but a JSON array, rtk::Error(MessageTooLarge) above 1 MiB.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "ratatoskr/types.hpp"

namespace rtk::example {

std::vector<PublicKey> parsePeerList(std::string_view json, std::size_t maxKeys);

// A key parameter: exactly 64 hex digits. Throws rtk::Error(InvalidArgument)
// naming the parameter otherwise (the text quoted, at most 80 characters).
PublicKey parseKeyParameter(std::string_view text, std::string_view name);

}  // namespace rtk::example
