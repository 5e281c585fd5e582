// GoHex — hex decoding with the error texts of Go's encoding/hex, which the
// real node's admin socket passes straight to yggdrasilctl
// ("encoding/hex: invalid byte: U+0067 'g'", "encoding/hex: odd length hex
// string").
//
// Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/util/Bytes.hpp"

namespace rtk::core::admin {

class GoHex {
 public:
  // Decodes `text` into `out`. Returns nullopt on success, otherwise Go's
  // error text (the first problem in the order hex.DecodeString finds it).
  static std::optional<std::string> decode(std::string_view text, Bytes& out);
};

}  // namespace rtk::core::admin
