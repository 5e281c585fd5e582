#include <cppunit/extensions/HelperMacros.h>

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "common/TempDir.hpp"
#include "core/crypto/Pem.hpp"
#include "ratatoskr/error.hpp"

using rtk::Errc;
using rtk::Error;
using namespace rtk::core::crypto;
using rtk::test::TempDir;

namespace {

// `yggdrasil -useconffile F -exportkey` (0.5.12) for PrivateKey = kHex.
const char* kHex =
    "89d625e2931160edad0ad644d10587b4a4f8399ec5eb0b63c6686c265920c255"
    "46fc66892d83502abcd47e06048c13cc495d67856bfe8caa684dd17cd1f6de7f";
const char* kExported =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIInWJeKTEWDtrQrWRNEFh7Sk+DmexesLY8ZobCZZIMJV\n"
    "-----END PRIVATE KEY-----\n";
// `openssl genpkey -algorithm X25519`: valid PKCS#8, wrong algorithm.
const char* kX25519 =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VuBCIEIPATJIIsK4RN/Sti1vMRIEpm7i0CK8O/Yni35/MRFzdI\n"
    "-----END PRIVATE KEY-----\n";
const char* kPublic =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEALsO2FAJ92xThN2xDfkFHXnhYgnAal96jGiS3pH9YFlA=\n"
    "-----END PUBLIC KEY-----\n";

std::string configErrorOf(const std::string& path) {
  try {
    loadPemPrivateKey(path);
  } catch (const Error& e) {
    CPPUNIT_ASSERT(e.code() == Errc::Config);
    return e.what();
  }
  CPPUNIT_FAIL("no error for " + path);
  return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

class PemTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PemTest);
  CPPUNIT_TEST(encodesExactlyAsYggdrasilExportkey);
  CPPUNIT_TEST(parsesYggdrasilExportkeyOutput);
  CPPUNIT_TEST(roundTripsRandomKeysThroughFiles);
  CPPUNIT_TEST(skipsTextBeforeTheBlock);
  CPPUNIT_TEST(errorsNameThePathAndTheReason);
  CPPUNIT_TEST_SUITE_END();

 public:
  void encodesExactlyAsYggdrasilExportkey() {
    auto key = SigningKey::fromHex(kHex);
    CPPUNIT_ASSERT_EQUAL(std::string(kExported), toPemPrivateKey(key));
  }

  void parsesYggdrasilExportkeyOutput() {
    // exportkey prints the block followed by an empty line (fmt.Println of text ending in "\n").
    auto key = parsePemPrivateKey(std::string(kExported) + "\n", "stdin");
    CPPUNIT_ASSERT_EQUAL(std::string(kHex), key.hex());
  }

  void roundTripsRandomKeysThroughFiles() {
    TempDir dir{"pem"};
    for (int i = 0; i < 20; ++i) {
      auto key = SigningKey::generate();
      auto pem = toPemPrivateKey(key);
      CPPUNIT_ASSERT(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
      CPPUNIT_ASSERT(pem.ends_with("\n-----END PRIVATE KEY-----\n"));
      CPPUNIT_ASSERT_EQUAL(std::size_t(28 + 65 + 26), pem.size());  // 48 DER bytes = 64 base64 chars
      auto path = dir.write("k" + std::to_string(i) + ".pem", pem);
      auto back = loadPemPrivateKey(path);
      CPPUNIT_ASSERT(back.secret() == key.secret());
    }
  }

  void skipsTextBeforeTheBlock() {
    auto key = parsePemPrivateKey(std::string("# my node key\nsome notes\n") + kExported, "inline");
    CPPUNIT_ASSERT_EQUAL(std::string(kHex), key.hex());
  }

  void errorsNameThePathAndTheReason() {
    TempDir dir{"pem"};
    auto missing = dir.file("absent.pem");
    auto msg = configErrorOf(missing);
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, missing) && contains(msg, "cannot open"));

    auto empty = dir.write("empty.pem", "just text, no block\n");
    msg = configErrorOf(empty);
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, empty) && contains(msg, "no PEM block"));

    auto pub = dir.write("public.pem", kPublic);
    msg = configErrorOf(pub);
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, pub) && contains(msg, "unexpected PEM type \"PUBLIC KEY\""));

    auto x = dir.write("x25519.pem", kX25519);
    msg = configErrorOf(x);
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, x) && contains(msg, "must be an ed25519 key"));

    auto junk = dir.write("junk.pem", "-----BEGIN PRIVATE KEY-----\nAAECAwQFBgcICQ==\n-----END PRIVATE KEY-----\n");
    msg = configErrorOf(junk);
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, junk) && contains(msg, "PKCS#8"));

    auto dirAsFile = dir.file("");
    msg = configErrorOf(dirAsFile);
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, dirAsFile));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PemTest);
