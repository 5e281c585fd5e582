#include "core/link/tls/TlsContext.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/link/tls/OpenSslErrors.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::link {
namespace {

std::string opensslError() {
  auto out = drainOpenSslErrors();
  return out.empty() ? "unknown OpenSSL error" : out;
}

[[noreturn]] void fail(const std::string& what) { throw Error(Errc::Io, "tls: " + what + ": " + opensslError()); }

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};

// The node's public key in lower-case hex, as yggdrasil writes it in the CN.
std::string publicKeyHex(const EVP_PKEY* pkey) {
  PublicKey key;
  std::size_t rawLen = key.bytes.size();
  if (EVP_PKEY_get_raw_public_key(pkey, key.bytes.data(), &rawLen) != 1 || rawLen != key.bytes.size())
    fail("deriving the public key");
  return key.hex();
}

void addExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) fail("certificate extension");
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (!ok) fail("certificate extension");
}

SSL_CTX* makeContext(bool server, X509* cert, EVP_PKEY* pkey) {
  SSL_CTX* ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
  if (!ctx) fail("SSL_CTX_new");
  bool ok = SSL_CTX_set_min_proto_version(ctx, server ? TLS1_3_VERSION : TLS1_2_VERSION) == 1 &&
            SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) == 1 && SSL_CTX_use_certificate(ctx, cert) == 1 &&
            SSL_CTX_use_PrivateKey(ctx, pkey) == 1 && SSL_CTX_check_private_key(ctx) == 1;
  if (!ok) {
    SSL_CTX_free(ctx);
    fail("configuring the SSL context");
  }
  // Identity comes from the handshake after TLS, never from certificates.
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // Go peers may close without close_notify; treat that as an ordinary EOF.
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION);
  if (server) {
    // Links never resume sessions: no cache, no tickets to write after the handshake.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(ctx, 0);
  }
  return ctx;
}

}  // namespace

void SslDeleter::operator()(ssl_st* ssl) const { SSL_free(ssl); }

TlsContext::TlsContext(std::span<const std::uint8_t> seed) {
  if (seed.size() != kSeedBytes) throw Error(Errc::InvalidArgument, "tls: the Ed25519 seed must be 32 bytes");
  std::unique_ptr<EVP_PKEY, PkeyFree> pkey(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (!pkey) fail("loading the Ed25519 key");
  std::unique_ptr<X509, X509Free> cert(X509_new());
  if (!cert) fail("X509_new");
  std::string cn = publicKeyHex(pkey.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  bool ok = X509_set_version(cert.get(), 2) == 1 && ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) == 1 &&
            X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) != nullptr &&
            ASN1_TIME_set_string(X509_getm_notAfter(cert.get()), "99991231235959Z") == 1 &&
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()),
                                       -1, -1, 0) == 1 &&
            X509_set_issuer_name(cert.get(), name) == 1 && X509_set_pubkey(cert.get(), pkey.get()) == 1;
  if (!ok) fail("building the certificate");
  addExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  addExtension(cert.get(), NID_ext_key_usage, "serverAuth");
  addExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  // Ed25519 signs the whole message: no digest.
  if (X509_sign(cert.get(), pkey.get(), nullptr) <= 0) fail("signing the certificate");

  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert.get()) != 1) fail("encoding the certificate");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  certificatePem_.assign(data, static_cast<std::size_t>(len));

  client_ = makeContext(false, cert.get(), pkey.get());
  try {
    server_ = makeContext(true, cert.get(), pkey.get());
  } catch (...) {
    SSL_CTX_free(client_);
    throw;
  }
}

TlsContext::~TlsContext() {
  SSL_CTX_free(client_);
  SSL_CTX_free(server_);
}

SslPtr TlsContext::newClient(const std::string& sni) const {
  SslPtr ssl(SSL_new(client_));
  if (!ssl) fail("SSL_new");
  SSL_set_connect_state(ssl.get());
  if (!sni.empty() && SSL_set_tlsext_host_name(ssl.get(), sni.c_str()) != 1) fail("setting SNI \"" + sni + "\"");
  return ssl;
}

SslPtr TlsContext::newServer() const {
  SslPtr ssl(SSL_new(server_));
  if (!ssl) fail("SSL_new");
  SSL_set_accept_state(ssl.get());
  return ssl;
}

}  // namespace rtk::core::link
