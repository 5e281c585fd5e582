// Byte buffers used across the core.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace rtk::core {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

}  // namespace rtk::core
