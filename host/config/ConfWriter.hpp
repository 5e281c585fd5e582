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

#include "config/HostConfig.hpp"
#include "core/crypto/Ed25519.hpp"
#include "runtime/HostExport.hpp"

namespace rtk::host {

class RTK_HOST_API ConfWriter {
 public:
  static constexpr const char* kRedacted = "<redacted>";

  static std::string generate(const core::crypto::SigningKey& key);
  // generate() with a new random key.
  static std::string generateFresh();
  static std::string effective(const HostConfig& config, bool showSecrets);
};

}  // namespace rtk::host
