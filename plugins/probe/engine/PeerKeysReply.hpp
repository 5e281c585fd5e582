// Reading a remote node's peers (or tree) reply as the diagnostics service
// hands it over: ["<64 hex>", ...]. The list comes from another node, so it
// is outside input: entries that are not 64 hex digits are skipped and
// counted, at most kMaxKeysPerReply are kept (the rest counted as dropped),
// duplicates are removed, and the keys come back sorted.
// Errors: rtk::Error(MessageTooLarge) above kMaxReplyBytes,
// rtk::Error(Protocol) for anything but a JSON array.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "ratatoskr/types.hpp"

namespace rtk::probe {

struct PeerKeys {
  std::vector<PublicKey> keys;  // sorted, unique
  std::size_t skipped = 0;      // entries that were not a key
  std::size_t dropped = 0;      // keys past kMaxKeysPerReply
};

PeerKeys parsePeerKeys(std::string_view json);

// A key argument: 64 hex digits, or "<64 hex>.pk.ygg". Throws
// rtk::Error(InvalidArgument) naming `what` and the text otherwise.
PublicKey parseKeyArgument(std::string_view text, std::string_view what);

}  // namespace rtk::probe
