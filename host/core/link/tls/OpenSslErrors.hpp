// OpenSSL's thread-local error queue as one line ("...; ..."), emptied on
// the way; empty when the queue was empty. Shared by the TLS context and
// stream so every TLS error reads the same.
#pragma once

#include <openssl/err.h>

#include <string>

namespace rtk::core::link {

inline std::string drainOpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

}  // namespace rtk::core::link
