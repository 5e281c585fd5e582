// rtk::host::ConfWriter — writes conf files: a fresh one for --genconf and
// the effective configuration for --print-config.
//
// generate() writes JSON with comments that ConfParser reads back to the
// same settings: a new key, no peers, no listeners, no multicast, admin
// socket "none" — a node that needs no network to start. effective() writes
// plain JSON (no comments) of every setting with its default filled in; the
// private key is "<redacted>" unless showSecrets.
// Thread-safety: stateless.
#pragma once

#include <string>
#include <string_view>

#include "config/HostConfig.hpp"

namespace rtk::host {

class ConfWriter {
 public:
  static constexpr const char* kRedacted = "<redacted>";

  // privateKeyHex: 128 hex digits, as PrivateKey holds it. Throws
  // rtk::Error(Errc::InvalidArgument) if it is not a valid private key.
  static std::string generate(std::string_view privateKeyHex);
  // generate() with a new random key.
  static std::string generateFresh();
  static std::string effective(const HostConfig& config, bool showSecrets);
};

}  // namespace rtk::host
