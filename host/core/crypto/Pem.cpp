#include "core/crypto/Pem.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "ratatoskr/error.hpp"

namespace rtk::core::crypto {

namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct P8Free {
  void operator()(PKCS8_PRIV_KEY_INFO* p) const { PKCS8_PRIV_KEY_INFO_free(p); }
};
struct OsslFree {
  void operator()(void* p) const { OPENSSL_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using P8Ptr = std::unique_ptr<PKCS8_PRIV_KEY_INFO, P8Free>;

// The most recent OpenSSL error of this thread, and an empty queue after it,
// so one failure never leaks into the next caller's diagnostics.
std::string takeOpensslError() {
  unsigned long code = ERR_peek_last_error();
  std::string text;
  if (code != 0) {
    std::array<char, 256> buf{};
    ERR_error_string_n(code, buf.data(), buf.size());
    text = buf.data();
  }
  ERR_clear_error();
  return text.empty() ? std::string("unknown OpenSSL error") : text;
}

[[noreturn]] void fail(std::string_view origin, const std::string& reason) {
  throw Error(Errc::Config, "crypto: " + std::string(origin) + ": " + reason);
}

}  // namespace

SigningKey parsePemPrivateKey(std::string_view pemText, std::string_view origin) {
  if (pemText.size() > static_cast<std::size_t>(INT32_MAX)) fail(origin, "file too large to be a PEM key");
  BioPtr bio(BIO_new_mem_buf(pemText.data(), static_cast<int>(pemText.size())));
  if (!bio) fail(origin, "cannot allocate a buffer: " + takeOpensslError());

  char* rawName = nullptr;
  char* rawHeader = nullptr;
  unsigned char* rawData = nullptr;
  long dataLen = 0;
  // PEM_read_bio skips text before the first "-----BEGIN" line, like Go's pem.Decode.
  int ok = PEM_read_bio(bio.get(), &rawName, &rawHeader, &rawData, &dataLen);
  std::unique_ptr<char, OsslFree> name(rawName), header(rawHeader);
  std::unique_ptr<unsigned char, OsslFree> data(rawData);
  if (!ok) {
    ERR_clear_error();
    fail(origin, "failed to parse PEM file: no PEM block found");
  }
  if (std::strcmp(name.get(), "PRIVATE KEY") != 0)
    fail(origin, std::string("unexpected PEM type \"") + name.get() + "\" (want \"PRIVATE KEY\")");

  const unsigned char* p = data.get();
  P8Ptr p8(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, dataLen));
  if (!p8) fail(origin, "failed to unmarshal PKCS#8 key: " + takeOpensslError());
  PkeyPtr pkey(EVP_PKCS82PKEY(p8.get()));
  if (!pkey) fail(origin, "failed to unmarshal PKCS#8 key: " + takeOpensslError());
  if (EVP_PKEY_get_base_id(pkey.get()) != EVP_PKEY_ED25519)
    fail(origin, std::string("private key must be an ed25519 key, got ") +
                     (EVP_PKEY_get0_type_name(pkey.get()) ? EVP_PKEY_get0_type_name(pkey.get()) : "an unknown type"));

  std::array<std::uint8_t, 32> seed{};
  std::size_t seedLen = seed.size();
  if (EVP_PKEY_get_raw_private_key(pkey.get(), seed.data(), &seedLen) != 1 || seedLen != seed.size())
    fail(origin, "cannot extract the ed25519 seed: " + takeOpensslError());
  SigningKey key = SigningKey::fromSeed(ByteView(seed.data(), seed.size()));
  OPENSSL_cleanse(seed.data(), seed.size());
  return key;
}

SigningKey loadPemPrivateKey(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) fail(path, std::string("cannot read: ") + std::strerror(errno));
  std::string pem = text.str();
  SigningKey key = parsePemPrivateKey(pem, path);
  OPENSSL_cleanse(pem.data(), pem.size());
  return key;
}

std::string toPemPrivateKey(const SigningKey& key) {
  auto seed = key.seed();
  PkeyPtr pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (!pkey) throw Error(Errc::Unknown, "crypto: cannot build an ed25519 key: " + takeOpensslError());
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) throw Error(Errc::Unknown, "crypto: cannot allocate a buffer: " + takeOpensslError());
  // Unencrypted PKCS#8 under "PRIVATE KEY", the layout Go's MarshalPKCS8PrivateKey produces.
  if (PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw Error(Errc::Unknown, "crypto: cannot encode the key as PEM: " + takeOpensslError());
  char* out = nullptr;
  long len = BIO_get_mem_data(bio.get(), &out);
  std::string pem(out, static_cast<std::size_t>(len));
  // The BIO's buffer held the seed in base64; wipe it before it is freed.
  if (len > 0) OPENSSL_cleanse(out, static_cast<std::size_t>(len));
  return pem;
}

}  // namespace rtk::core::crypto
