// TlsProvider — TLS for tls, wss and sockstls links, as the link layer sees it.
//
// Every use of OpenSSL lives in the TLS module (core/link/tls, built as
// libratatoskr-tls-<version>.so): the node library does not link libssl or
// libcrypto, so a node whose links are all tcp, unix or socks never maps
// them (about 1.7 MiB of RSS). TlsModuleLoader opens the module on the first
// TLS link and calls its one exported function, kTlsProviderEntry, which
// makes the provider from the node's Ed25519 seed.
//
// The module is built from this tree with the same compiler and flags, so
// the interface may be C++; the entry's name carries a version that changes
// whenever this header does.
//
// Thread-safety: a provider is immutable after it is made; client() and
// server() may be called from any thread. The streams they return belong to
// the calling link thread, as every Stream does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/link/Stream.hpp"

namespace rtk::core::link {

class TlsProvider {
 public:
  virtual ~TlsProvider() = default;

  // TLS over `inner` as the dialling side; sni empty: no server name extension.
  virtual std::unique_ptr<Stream> client(std::unique_ptr<Stream> inner, const std::string& sni) const = 0;
  // TLS over `inner` as the accepting side.
  virtual std::unique_ptr<Stream> server(std::unique_ptr<Stream> inner) const = 0;
  // The node's self-signed certificate, PEM-encoded (tests, diagnostics).
  virtual const std::string& certificatePem() const = 0;
};

// The module's entry: a new provider for the 32-byte seed, owned by the
// caller; on failure nullptr and *error says why. Never throws.
using TlsProviderEntry = TlsProvider* (*)(const std::uint8_t* seed, std::size_t seedSize, std::string* error) noexcept;
#define RTK_TLS_PROVIDER_ENTRY_SYMBOL "rtk_tls_make_provider_v1"

}  // namespace rtk::core::link
