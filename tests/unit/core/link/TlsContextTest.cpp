#include <cppunit/extensions/HelperMacros.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "core/crypto/Ed25519.hpp"
#include "core/link/LazyTlsProvider.hpp"
#include "core/link/tls/TlsContext.hpp"
#include "ratatoskr/error.hpp"

using rtk::core::crypto::SigningKey;
using rtk::core::link::LazyTlsProvider;
using rtk::core::link::TlsContext;
using rtk::core::link::TlsProvider;

namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

std::unique_ptr<X509, X509Free> parse(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return std::unique_ptr<X509, X509Free>(cert);
}

}  // namespace

class TlsContextTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TlsContextTest);
  CPPUNIT_TEST(certificateIsMadeLikeYggdrasils);
  CPPUNIT_TEST(contextsHandOutSslObjects);
  CPPUNIT_TEST(lazyProviderIsMadeOnceOnFirstUse);
  CPPUNIT_TEST(missingModuleFailsWithWhereItLooked);
  CPPUNIT_TEST_SUITE_END();

 public:
  void certificateIsMadeLikeYggdrasils() {
    auto key = SigningKey::generate();
    TlsContext tls(key.seed());
    auto cert = parse(tls.certificatePem());
    CPPUNIT_ASSERT(cert);

    char cn[128] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn);
    CPPUNIT_ASSERT_EQUAL(key.publicKey().hex(), std::string(cn));
    CPPUNIT_ASSERT_EQUAL(0, X509_NAME_cmp(X509_get_subject_name(cert.get()), X509_get_issuer_name(cert.get())));
    CPPUNIT_ASSERT_EQUAL(1L, ASN1_INTEGER_get(X509_get0_serialNumber(cert.get())));

    // Valid now and until 9999-12-31 23:59:59 UTC.
    CPPUNIT_ASSERT(X509_cmp_current_time(X509_get0_notBefore(cert.get())) <= 0);
    ASN1_TIME* end = ASN1_TIME_new();
    ASN1_TIME_set_string(end, "99991231235959Z");
    CPPUNIT_ASSERT_EQUAL(0, ASN1_TIME_compare(X509_get0_notAfter(cert.get()), end));
    ASN1_TIME_free(end);

    // The certificate's key is the node key, and it signed itself.
    EVP_PKEY* pub = X509_get0_pubkey(cert.get());
    CPPUNIT_ASSERT_EQUAL(EVP_PKEY_ED25519, EVP_PKEY_get_id(pub));
    unsigned char raw[32];
    std::size_t rawLen = sizeof raw;
    CPPUNIT_ASSERT_EQUAL(1, EVP_PKEY_get_raw_public_key(pub, raw, &rawLen));
    CPPUNIT_ASSERT_EQUAL(0, std::memcmp(raw, key.publicKey().bytes.data(), 32));
    CPPUNIT_ASSERT_EQUAL(1, X509_verify(cert.get(), pub));

    CPPUNIT_ASSERT(X509_get_key_usage(cert.get()) & KU_DIGITAL_SIGNATURE);
    CPPUNIT_ASSERT(X509_get_key_usage(cert.get()) & KU_KEY_ENCIPHERMENT);
    CPPUNIT_ASSERT(X509_get_extended_key_usage(cert.get()) & XKU_SSL_SERVER);
    CPPUNIT_ASSERT_EQUAL(0, X509_check_ca(cert.get()));
  }

  void contextsHandOutSslObjects() {
    TlsContext tls(SigningKey::generate().seed());
    auto client = tls.newClient("peer.example");
    auto server = tls.newServer();
    CPPUNIT_ASSERT(client);
    CPPUNIT_ASSERT(server);
    CPPUNIT_ASSERT(tls.newClient(""));
  }

  // The link manager holds one of these: a node without tls links never
  // loads the TLS module. Threads racing for the first use share one
  // provider, made by the module the build put next to libratatoskr.
  void lazyProviderIsMadeOnceOnFirstUse() {
    auto key = SigningKey::generate();
    LazyTlsProvider lazy(key);
    CPPUNIT_ASSERT(!lazy.made());
    std::vector<const TlsProvider*> seen(8, nullptr);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < seen.size(); ++i) threads.emplace_back([&, i] { seen[i] = &lazy.get(); });
    for (auto& t : threads) t.join();
    CPPUNIT_ASSERT(lazy.made());
    for (const auto* s : seen) CPPUNIT_ASSERT_EQUAL(seen.front(), s);
    auto cert = parse(lazy.get().certificatePem());
    CPPUNIT_ASSERT(cert);
    char cn[128] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn);
    CPPUNIT_ASSERT_EQUAL(key.publicKey().hex(), std::string(cn));
  }

  // Without the module a TLS link fails with a reason an operator can act
  // on, and nothing is made; the next attempt tries again.
  void missingModuleFailsWithWhereItLooked() {
    LazyTlsProvider lazy(SigningKey::generate(), "libratatoskr-tls-absent.so");
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        lazy.get();
        CPPUNIT_FAIL("a missing TLS module must fail");
      } catch (const rtk::Error& e) {
        std::string msg = e.what();
        CPPUNIT_ASSERT_MESSAGE(msg, e.code() == rtk::Errc::NotSupported);
        CPPUNIT_ASSERT_MESSAGE(msg, msg.find("libratatoskr-tls-absent.so") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(msg, msg.find("cannot open shared object file") != std::string::npos);
      }
      CPPUNIT_ASSERT(!lazy.made());
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TlsContextTest);
