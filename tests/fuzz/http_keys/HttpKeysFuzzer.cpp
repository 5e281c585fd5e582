// examples/http's key readers: any bytes either give sorted unique keys
// (at most the cap) or an rtk::Error; a key parameter is accepted exactly
// when it is 64 hex digits, and then reads back as the same key.
#include "KeyInput.hpp"

#include <ratatoskr/error.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto keys = rtk::example::parsePeerList(text, 8);
    if (keys.size() > 8 || !std::is_sorted(keys.begin(), keys.end())) std::abort();
    if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) std::abort();
  } catch (const rtk::Error&) {
  }
  const bool hex64 = size == 64 && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
  try {
    const rtk::PublicKey key = rtk::example::parseKeyParameter(text, "key");
    if (!hex64) std::abort();
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return c >= 'A' && c <= 'F' ? c + 32 : c; });
    if (key.hex() != lower) std::abort();
  } catch (const rtk::Error& e) {
    if (hex64 || e.code() != rtk::Errc::InvalidArgument) std::abort();
  }
  return 0;
}
