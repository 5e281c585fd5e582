#include <cppunit/extensions/HelperMacros.h>

#include <sodium.h>

#include <map>
#include <string>

#include "core/crypto/KeyConversion.hpp"
#include "unit/core/crypto/TestVectors.hpp"

using rtk::PublicKey;
using rtk::core::ByteView;
using namespace rtk::core::crypto;
using rtk::test::hex;
using rtk::test::keyFromHex;
using rtk::test::readVectors;
using rtk::test::unhex;
using rtk::test::unhexArray;

// Vectors: tests/unit/core/crypto/data/e2c_*.txt, produced by ironwood's
// encrypted/internal/e2c (see README.md in host/core/crypto).
class KeyConversionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(KeyConversionTest);
  CPPUNIT_TEST(publicKeysConvertExactlyAsGo);
  CPPUNIT_TEST(libsodiumCoversValidKeysAndTheFallbackTheRest);
  CPPUNIT_TEST(signBitIsIgnored);
  CPPUNIT_TEST(secretIsGoSecretClamped);
  CPPUNIT_TEST(convertedKeysAgreeOnSharedSecrets);
  CPPUNIT_TEST_SUITE_END();

 public:
  void publicKeysConvertExactlyAsGo() {
    std::map<std::string, int> kinds;
    for (auto& row : readVectors(RTK_CRYPTO_DATA "/e2c_public.txt")) {
      CPPUNIT_ASSERT_EQUAL(std::size_t(3), row.size());
      auto out = boxPublicFromEd(keyFromHex(row[1]));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(row[0] + " " + row[1], row[2], hex(out.bytes));
      ++kinds[row[0]];
    }
    CPPUNIT_ASSERT_EQUAL(200, kinds["valid"]);
    CPPUNIT_ASSERT_EQUAL(200, kinds["signflip"]);
    CPPUNIT_ASSERT(kinds["edge"] >= 40);
    CPPUNIT_ASSERT(kinds["torsion"] >= 20);
    CPPUNIT_ASSERT(kinds["random"] >= 100);
  }

  // Shows which inputs take which path: libsodium converts every real key
  // (and its sign-flipped twin); the keys it refuses still match Go above.
  void libsodiumCoversValidKeysAndTheFallbackTheRest() {
    int refusedRandom = 0, acceptedRandom = 0, refusedTorsion = 0, refusedEdge = 0;
    for (auto& row : readVectors(RTK_CRYPTO_DATA "/e2c_public.txt")) {
      auto ed = unhexArray<32>(row[1]);
      std::array<std::uint8_t, 32> u{};
      bool ok = crypto_sign_ed25519_pk_to_curve25519(u.data(), ed.data()) == 0;
      if (row[0] == "valid" || row[0] == "signflip") {
        CPPUNIT_ASSERT_MESSAGE(row[1], ok);
        CPPUNIT_ASSERT_EQUAL(row[2], hex(u));
      } else if (row[0] == "torsion") {
        refusedTorsion += !ok;
      } else if (row[0] == "edge") {
        refusedEdge += !ok;
      } else if (row[0] == "random") {
        (ok ? acceptedRandom : refusedRandom)++;
      }
    }
    CPPUNIT_ASSERT_EQUAL(20, refusedTorsion);
    CPPUNIT_ASSERT(refusedEdge >= 10);
    CPPUNIT_ASSERT(refusedRandom > 0);
    CPPUNIT_ASSERT(acceptedRandom + refusedRandom >= 100);
  }

  void signBitIsIgnored() {
    for (int i = 0; i < 50; ++i) {
      auto key = SigningKey::generate().publicKey();
      auto flipped = key;
      flipped.bytes[31] ^= 0x80;
      CPPUNIT_ASSERT(boxPublicFromEd(key) == boxPublicFromEd(flipped));
    }
  }

  void secretIsGoSecretClamped() {
    int differsFromGo = 0;
    for (auto& row : readVectors(RTK_CRYPTO_DATA "/e2c_secret.txt")) {
      auto seed = unhex(row[0]);
      auto key = SigningKey::fromSeed(ByteView(seed));
      CPPUNIT_ASSERT_EQUAL(row[1], key.publicKey().hex());
      auto goSecret = unhexArray<32>(row[2]);
      auto clamped = goSecret;
      clamped[0] &= 248;
      clamped[31] &= 127;
      clamped[31] |= 64;
      auto ours = boxSecretFromEd(key);
      CPPUNIT_ASSERT_EQUAL(hex(clamped), hex(ours.bytes));
      differsFromGo += ours.bytes != goSecret;
      // Either form yields the public key Go's conversion of the Ed25519 key gives.
      BoxSecretKey goForm;
      goForm.bytes = goSecret;
      CPPUNIT_ASSERT(BoxKeyPair::fromSecret(goForm).publicKey == boxPublicFromEd(key.publicKey()));
      CPPUNIT_ASSERT(BoxKeyPair::fromSecret(ours).publicKey == boxPublicFromEd(key.publicKey()));
    }
    CPPUNIT_ASSERT(differsFromGo > 0);
  }

  // What the session layer relies on: a sender sealing to boxPublicFromEd(K)
  // with an ephemeral key and K's owner opening with boxSecretFromEd agree.
  void convertedKeysAgreeOnSharedSecrets() {
    for (int i = 0; i < 50; ++i) {
      auto node = SigningKey::generate();
      auto eph = BoxKeyPair::generate();
      auto a = boxPrecompute(boxPublicFromEd(node.publicKey()), eph.secretKey);
      auto b = boxPrecompute(eph.publicKey, boxSecretFromEd(node));
      CPPUNIT_ASSERT(a.bytes == b.bytes);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(KeyConversionTest);
