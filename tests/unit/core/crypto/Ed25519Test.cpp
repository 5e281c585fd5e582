#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "core/crypto/Ed25519.hpp"
#include "ratatoskr/error.hpp"
#include "unit/core/crypto/TestVectors.hpp"

using rtk::Errc;
using rtk::Error;
using rtk::core::Bytes;
using rtk::core::ByteView;
using namespace rtk::core::crypto;

class Ed25519Test : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(Ed25519Test);
  CPPUNIT_TEST(seedDeterminesKeyAndRfc8032Vector);
  CPPUNIT_TEST(signAndVerify);
  CPPUNIT_TEST(hexRoundTrip);
  CPPUNIT_TEST(rejectsMalformedKeys);
  CPPUNIT_TEST_SUITE_END();

 public:
  void seedDeterminesKeyAndRfc8032Vector() {
    // RFC 8032 section 7.1, TEST 1.
    auto seed = rtk::test::unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    auto key = SigningKey::fromSeed(ByteView(seed));
    CPPUNIT_ASSERT_EQUAL(std::string("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
                         key.publicKey().hex());
    auto sig = key.sign(ByteView());
    CPPUNIT_ASSERT_EQUAL(std::string("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                                     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
                         rtk::test::hex(sig));
    CPPUNIT_ASSERT(SigningKey::fromSeed(ByteView(seed)).secret() == key.secret());
  }

  void signAndVerify() {
    auto key = SigningKey::generate();
    Bytes msg{1, 2, 3, 4, 5};
    auto sig = key.sign(ByteView(msg));
    CPPUNIT_ASSERT(verify(key.publicKey(), ByteView(msg), sig));
    msg[0] ^= 1;
    CPPUNIT_ASSERT(!verify(key.publicKey(), ByteView(msg), sig));
    msg[0] ^= 1;
    auto other = SigningKey::generate();
    CPPUNIT_ASSERT(!verify(other.publicKey(), ByteView(msg), sig));
    sig[10] ^= 0x40;
    CPPUNIT_ASSERT(!verify(key.publicKey(), ByteView(msg), sig));
  }

  void hexRoundTrip() {
    auto key = SigningKey::generate();
    auto back = SigningKey::fromHex(key.hex());
    CPPUNIT_ASSERT(back.secret() == key.secret());
    CPPUNIT_ASSERT(back.publicKey() == key.publicKey());
    CPPUNIT_ASSERT_EQUAL(std::size_t(128), key.hex().size());
  }

  void rejectsMalformedKeys() {
    auto key = SigningKey::generate();
    auto secret = key.secret();
    secret[40] ^= 1;  // public half no longer matches the seed
    try {
      SigningKey::fromBytes(ByteView(secret.data(), secret.size()));
      CPPUNIT_FAIL("mismatched public half accepted");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::InvalidArgument);
    }
    CPPUNIT_ASSERT_THROW(SigningKey::fromHex("00"), Error);
    CPPUNIT_ASSERT_THROW(SigningKey::fromHex(std::string(128, 'g')), Error);
    Bytes shortSeed(31);
    CPPUNIT_ASSERT_THROW(SigningKey::fromSeed(ByteView(shortSeed)), Error);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(Ed25519Test);
