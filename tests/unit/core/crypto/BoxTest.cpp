#include <cppunit/extensions/HelperMacros.h>

#include <sodium.h>

#include <string>

#include "core/crypto/Box.hpp"
#include "unit/core/crypto/TestVectors.hpp"

using rtk::core::Bytes;
using rtk::core::ByteView;
using namespace rtk::core::crypto;
using rtk::test::hex;
using rtk::test::readVectors;
using rtk::test::unhex;
using rtk::test::unhexArray;

// Vectors: tests/unit/core/crypto/data/box_*.txt, produced with Go's
// golang.org/x/crypto/nacl/box the way ironwood encrypted/crypto.go calls it.
class BoxTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BoxTest);
  CPPUNIT_TEST(nonceIsBigEndianCounterInLastEightBytes);
  CPPUNIT_TEST(precomputeMatchesGoIncludingSmallOrderKeys);
  CPPUNIT_TEST(publicFromSecretMatchesGo);
  CPPUNIT_TEST(sealMatchesGoAndOpens);
  CPPUNIT_TEST(inPlaceFormsMatchTheCopyingForms);
  CPPUNIT_TEST(tamperedOrMisnoncedBoxesDoNotOpen);
  CPPUNIT_TEST(generatedPairsAreFreshAndConsistent);
  CPPUNIT_TEST_SUITE_END();

 public:
  void nonceIsBigEndianCounterInLastEightBytes() {
    auto n = boxNonce(0x0102030405060708ull);
    CPPUNIT_ASSERT_EQUAL(std::string("000000000000000000000000000000000102030405060708"), hex(n));
    CPPUNIT_ASSERT_EQUAL(std::string(48, '0'), hex(boxNonce(0)));
    CPPUNIT_ASSERT_EQUAL(std::string(32, '0') + std::string(16, 'f'), hex(boxNonce(~0ull)));
  }

  void precomputeMatchesGoIncludingSmallOrderKeys() {
    int edges = 0, sodiumRefused = 0;
    for (auto& row : readVectors(RTK_CRYPTO_DATA "/box_shared.txt")) {
      if (row[0] == "base") continue;
      BoxPublicKey pub{unhexArray<32>(row[1])};
      BoxSecretKey sec;
      sec.bytes = unhexArray<32>(row[2]);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(row[0] + " " + row[1], row[3], hex(boxPrecompute(pub, sec).bytes));
      if (row[0] == "edge") {
        ++edges;
        std::array<std::uint8_t, 32> k{};
        sodiumRefused += crypto_box_beforenm(k.data(), pub.bytes.data(), sec.bytes.data()) != 0;
      }
    }
    CPPUNIT_ASSERT_EQUAL(18, edges);
    // The reason boxPrecompute does not call crypto_box_beforenm: it refuses these.
    CPPUNIT_ASSERT(sodiumRefused >= 14);
  }

  void publicFromSecretMatchesGo() {
    int n = 0;
    for (auto& row : readVectors(RTK_CRYPTO_DATA "/box_shared.txt")) {
      if (row[0] != "base") continue;
      BoxSecretKey sec;
      sec.bytes = unhexArray<32>(row[2]);
      CPPUNIT_ASSERT_EQUAL(row[1], hex(BoxKeyPair::fromSecret(sec).publicKey.bytes));
      ++n;
    }
    CPPUNIT_ASSERT_EQUAL(20, n);
  }

  void sealMatchesGoAndOpens() {
    int n = 0;
    for (auto& row : readVectors(RTK_CRYPTO_DATA "/box_seal.txt")) {
      BoxSharedKey key;
      key.bytes = unhexArray<32>(row[0]);
      std::uint64_t nonce = std::stoull(row[1]);
      Bytes msg = unhex(row[2]);
      Bytes out{0xaa};  // seal appends
      boxSeal(out, ByteView(msg), nonce, key);
      CPPUNIT_ASSERT_EQUAL(std::size_t(1 + kBoxOverhead + msg.size()), out.size());
      CPPUNIT_ASSERT_EQUAL(row[3], hex(ByteView(out).subspan(1)));
      Bytes plain{0x55};
      CPPUNIT_ASSERT(boxOpen(plain, ByteView(out).subspan(1), nonce, key));
      CPPUNIT_ASSERT(Bytes(plain.begin() + 1, plain.end()) == msg);
      ++n;
    }
    CPPUNIT_ASSERT_EQUAL(40, n);
  }

  void inPlaceFormsMatchTheCopyingForms() {
    auto a = BoxKeyPair::generate(), b = BoxKeyPair::generate();
    auto key = boxPrecompute(b.publicKey, a.secretKey);
    Bytes msg(1000);
    randombytes_buf(msg.data(), msg.size());
    Bytes sealed;
    boxSeal(sealed, ByteView(msg), 77, key);
    Bytes buf(kBoxOverhead + msg.size());
    std::copy(msg.begin(), msg.end(), buf.begin() + kBoxOverhead);
    boxSealInPlace(std::span<std::uint8_t, kBoxOverhead>(buf.data(), kBoxOverhead),
                   std::span<std::uint8_t>(buf.data() + kBoxOverhead, msg.size()), 77, key);
    CPPUNIT_ASSERT(buf == sealed);
    CPPUNIT_ASSERT(boxOpenInPlace(std::span<const std::uint8_t, kBoxOverhead>(buf.data(), kBoxOverhead),
                                  std::span<std::uint8_t>(buf.data() + kBoxOverhead, msg.size()), 77, key));
    CPPUNIT_ASSERT(Bytes(buf.begin() + kBoxOverhead, buf.end()) == msg);
  }

  void tamperedOrMisnoncedBoxesDoNotOpen() {
    auto a = BoxKeyPair::generate(), b = BoxKeyPair::generate();
    auto key = boxPrecompute(b.publicKey, a.secretKey);
    Bytes msg{1, 2, 3, 4, 5, 6, 7, 8};
    Bytes sealed;
    boxSeal(sealed, ByteView(msg), 5, key);
    Bytes out{9};
    CPPUNIT_ASSERT(!boxOpen(out, ByteView(sealed), 6, key));
    CPPUNIT_ASSERT(out == Bytes{9});
    for (std::size_t i = 0; i < sealed.size(); ++i) {
      Bytes bad = sealed;
      bad[i] ^= 0x01;
      CPPUNIT_ASSERT(!boxOpen(out, ByteView(bad), 5, key));
      CPPUNIT_ASSERT(out == Bytes{9});
    }
    for (std::size_t len = 0; len < kBoxOverhead; ++len)
      CPPUNIT_ASSERT(!boxOpen(out, ByteView(sealed).first(len), 5, key));
    // In place, a failure leaves the data untouched.
    Bytes buf = sealed;
    buf[kBoxOverhead] ^= 0x80;
    Bytes before = buf;
    CPPUNIT_ASSERT(!boxOpenInPlace(std::span<const std::uint8_t, kBoxOverhead>(buf.data(), kBoxOverhead),
                                   std::span<std::uint8_t>(buf.data() + kBoxOverhead, msg.size()), 5, key));
    CPPUNIT_ASSERT(buf == before);
    // The empty message still carries a tag that authenticates.
    Bytes empty;
    boxSeal(empty, ByteView(), 0, key);
    CPPUNIT_ASSERT_EQUAL(kBoxOverhead, empty.size());
    Bytes none;
    CPPUNIT_ASSERT(boxOpen(none, ByteView(empty), 0, key));
    CPPUNIT_ASSERT(none.empty());
  }

  void generatedPairsAreFreshAndConsistent() {
    auto a = BoxKeyPair::generate(), b = BoxKeyPair::generate();
    CPPUNIT_ASSERT(a.publicKey != b.publicKey);
    CPPUNIT_ASSERT(a.secretKey.bytes != b.secretKey.bytes);
    CPPUNIT_ASSERT(BoxKeyPair::fromSecret(a.secretKey).publicKey == a.publicKey);
    CPPUNIT_ASSERT(boxPrecompute(b.publicKey, a.secretKey).bytes == boxPrecompute(a.publicKey, b.secretKey).bytes);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BoxTest);
