// The errors an ask ends with, one constructor each, so every message starts
// with "ninfo: " and says which of them it is (see ratatoskr/ninfo.hpp).
// Header-only; pure functions.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "ratatoskr/error.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::ninfo::errors {

// Quotes text from outside, cut at 80 characters, so a message stays one
// readable line whatever was typed.
inline std::string quote(std::string_view text) {
  std::string out = "\"";
  std::size_t shown = 0;
  for (char c : text) {
    if (shown++ == 80) {
      out += "...";
      break;
    }
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '"' || c == '\\') {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 0x0f];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

inline long long millis(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

inline Error badTarget(std::string_view target, std::string_view why) {
  return Error(Errc::InvalidArgument, "ninfo: bad target " + quote(target) + ": " + std::string(why));
}

inline Error notYggdrasil(std::string_view target) {
  return Error(Errc::InvalidArgument, "ninfo: " + quote(target) +
                                          " is not a Yggdrasil address (expected a node address in 200::/8 or an "
                                          "address inside a node's subnet in 300::/8)");
}

inline Error unresolvable(std::string_view address, std::chrono::steady_clock::duration waited, int lookups) {
  return Error(Errc::NotFound, "ninfo: cannot resolve " + std::string(address) + ": no node with this address found in " +
                                   std::to_string(millis(waited)) + " ms (" + std::to_string(lookups) + " lookup(s) sent)");
}

inline Error timedOut(const PublicKey& key, int attempts, std::chrono::steady_clock::duration waited,
                      std::string_view lastError) {
  return Error(Errc::Timeout, "ninfo: timed out asking " + key.hex() + " for NodeInfo: " + std::to_string(attempts) +
                                  " attempt(s) in " + std::to_string(millis(waited)) + " ms, last: " +
                                  std::string(lastError));
}

inline Error callerTimedOut(std::string_view target, std::chrono::milliseconds timeout) {
  return Error(Errc::Timeout, "ninfo: timed out asking " + quote(target) + ": no answer within the caller's " +
                                  std::to_string(timeout.count()) + " ms");
}

inline Error tooLarge(const PublicKey& key, std::size_t bytes, std::size_t limit) {
  return Error(Errc::MessageTooLarge, "ninfo: NodeInfo from " + key.hex() + " too large: " + std::to_string(bytes) +
                                          " bytes, the limit is " + std::to_string(limit));
}

inline Error notJson(const PublicKey& key, std::string_view why) {
  return Error(Errc::Protocol, "ninfo: NodeInfo from " + key.hex() + " is not JSON (an object): " + std::string(why));
}

inline Error busy(std::size_t limit, std::string_view what) {
  return Error(Errc::Refused, "ninfo: busy: " + std::to_string(limit) + " " + std::string(what) +
                                  " in flight already (the limit); try again later");
}

inline Error closed() { return Error(Errc::Closed, "ninfo: closed"); }

}  // namespace rtk::ninfo::errors
