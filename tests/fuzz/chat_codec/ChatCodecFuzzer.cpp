// tiny-chat's wire decoder: any bytes, split at any point (the first byte
// picks the split), decode to the same text or fail with Errc::Protocol at
// the same place; and any text survives encodeText → decode unchanged.
#include "ChatCodec.hpp"

#include <ratatoskr/error.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

// Text and whether decoding failed, feeding `bytes` in pieces of `piece`.
std::pair<std::string, bool> decodeInPieces(std::string_view bytes, std::size_t piece) {
  tinychat::ChatDecoder decoder;
  std::string text;
  try {
    for (std::size_t at = 0; at < bytes.size(); at += piece) decoder.feed(bytes.substr(at, piece), text);
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Protocol) std::abort();
    return {text, true};
  }
  return {text, false};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 16;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto whole = decodeInPieces(bytes, bytes.size() + 1);
  const auto split = decodeInPieces(bytes, piece);
  if (whole.second != split.second) std::abort();
  if (!whole.second && whole.first != split.first) std::abort();

  const auto round = decodeInPieces(tinychat::encodeText(bytes), piece);
  if (round.second || round.first != bytes) std::abort();
  return 0;
}
