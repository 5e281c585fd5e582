// TlsContext — the node's TLS identity and OpenSSL contexts for tls, wss and
// sockstls links.
//
// As yggdrasil's config.go: a self-signed X.509 certificate made from the
// node's Ed25519 key, CN = the public key in hex, serial 1, valid from now to
// 9999-12-31 23:59:59 UTC, key usage digitalSignature + keyEncipherment, EKU
// serverAuth. Nobody verifies certificates (yggdrasil's tls.go skips
// verification): the peer's identity comes from the signed handshake that
// follows. Versions as 0.5.12: servers TLS 1.3 only (config MinVersion),
// clients TLS 1.2..1.3 (link_tls.go's dialer).
//
// Thread-safety: immutable after construction. The SSL_CTXs are shared
// read-only; newClient/newServer may be called from any thread, and each SSL
// object they return belongs to the calling link thread alone.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

struct ssl_ctx_st;
struct ssl_st;

namespace rtk::core::link {

struct SslDeleter {
  void operator()(ssl_st* ssl) const;
};
using SslPtr = std::unique_ptr<ssl_st, SslDeleter>;

class TlsContext {
 public:
  static constexpr std::size_t kSeedBytes = 32;

  // seed: the node's 32-byte Ed25519 seed (the first half of PrivateKey).
  // Throws rtk::Error(Errc::Io) naming the OpenSSL failure.
  explicit TlsContext(std::span<const std::uint8_t> seed);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // A client SSL; sni empty: no server name extension.
  SslPtr newClient(const std::string& sni) const;
  SslPtr newServer() const;

  // The certificate, PEM-encoded (for tests and diagnostics).
  const std::string& certificatePem() const { return certificatePem_; }

 private:
  ssl_ctx_st* client_ = nullptr;
  ssl_ctx_st* server_ = nullptr;
  std::string certificatePem_;
};

}  // namespace rtk::core::link
