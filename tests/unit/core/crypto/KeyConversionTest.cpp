#include <cppunit/extensions/HelperMacros.h>

#include <openssl/bn.h>
#include <sodium.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/crypto/Field25519.hpp"
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

namespace {

using Bytes32 = std::array<std::uint8_t, 32>;

// The reference for Field25519: the same arithmetic with OpenSSL BIGNUM (the
// library used it before; tests may link OpenSSL, rtk_crypto must not).
class BignumModP {
 public:
  BignumModP() : ctx_(BN_CTX_new()), p_(BN_new()) {
    CPPUNIT_ASSERT(ctx_ && p_);
    CPPUNIT_ASSERT(BN_set_bit(p_.get(), 255) && BN_sub_word(p_.get(), 19));  // p = 2^255 - 19
  }

  Bytes32 reduce(const Bytes32& a) const {
    auto r = make();
    CPPUNIT_ASSERT(BN_nnmod(r.get(), from(a).get(), p_.get(), ctx_.get()));
    return to(r.get());
  }
  Bytes32 add(const Bytes32& a, const Bytes32& b) const { return apply(BN_mod_add, a, b); }
  Bytes32 sub(const Bytes32& a, const Bytes32& b) const { return apply(BN_mod_sub, a, b); }
  Bytes32 mul(const Bytes32& a, const Bytes32& b) const { return apply(BN_mod_mul, a, b); }

  // u = (1 + y) / (1 - y) mod p as KeyConversion.cpp computed it with BIGNUM.
  Bytes32 montgomeryU(Bytes32 yBytes) const {
    yBytes[31] &= 0x7f;
    auto y = from(yBytes), one = make(), num = make(), den = make(), u = make();
    CPPUNIT_ASSERT(BN_one(one.get()));
    CPPUNIT_ASSERT(BN_mod_sub(den.get(), one.get(), y.get(), p_.get(), ctx_.get()));
    if (BN_is_zero(den.get())) return Bytes32{};  // y = 1 (mod p): u = 0, as Go's e2c
    CPPUNIT_ASSERT(BN_mod_inverse(den.get(), den.get(), p_.get(), ctx_.get()));
    CPPUNIT_ASSERT(BN_mod_add(num.get(), one.get(), y.get(), p_.get(), ctx_.get()));
    CPPUNIT_ASSERT(BN_mod_mul(u.get(), num.get(), den.get(), p_.get(), ctx_.get()));
    return to(u.get());
  }

  // p + k as 32 little-endian bytes (k may be negative or up to p + 38).
  Bytes32 pPlus(long k) const {
    auto r = make();
    CPPUNIT_ASSERT(BN_copy(r.get(), p_.get()));
    CPPUNIT_ASSERT(k >= 0 ? BN_add_word(r.get(), static_cast<BN_ULONG>(k))
                          : BN_sub_word(r.get(), static_cast<BN_ULONG>(-k)));
    return to(r.get());
  }
  // 2p + k.
  Bytes32 twoPPlus(long k) const {
    auto r = make();
    CPPUNIT_ASSERT(BN_lshift1(r.get(), p_.get()));
    CPPUNIT_ASSERT(k >= 0 ? BN_add_word(r.get(), static_cast<BN_ULONG>(k))
                          : BN_sub_word(r.get(), static_cast<BN_ULONG>(-k)));
    return to(r.get());
  }

 private:
  struct BignumFree {
    void operator()(BIGNUM* b) const { BN_free(b); }
  };
  struct BignumCtxFree {
    void operator()(BN_CTX* c) const { BN_CTX_free(c); }
  };
  using Bignum = std::unique_ptr<BIGNUM, BignumFree>;
  using ModOp = int (*)(BIGNUM*, const BIGNUM*, const BIGNUM*, const BIGNUM*, BN_CTX*);

  static Bignum make() {
    Bignum n(BN_new());
    CPPUNIT_ASSERT(n);
    return n;
  }
  static Bignum from(const Bytes32& le) {
    Bignum n(BN_lebin2bn(le.data(), static_cast<int>(le.size()), nullptr));
    CPPUNIT_ASSERT(n);
    return n;
  }
  static Bytes32 to(const BIGNUM* n) {
    Bytes32 out{};
    CPPUNIT_ASSERT_EQUAL(32, BN_bn2lebinpad(n, out.data(), static_cast<int>(out.size())));
    return out;
  }
  Bytes32 apply(ModOp op, const Bytes32& a, const Bytes32& b) const {
    // BN_mod_* want inputs below p: reduce first, as Field25519::fromBytes does.
    auto r = make(), x = from(reduce(a)), y = from(reduce(b));
    CPPUNIT_ASSERT(op(r.get(), x.get(), y.get(), p_.get(), ctx_.get()));
    return to(r.get());
  }

  std::unique_ptr<BN_CTX, BignumCtxFree> ctx_;
  Bignum p_;
};

Bytes32 randomBytes32(std::mt19937_64& rng) {
  Bytes32 out{};
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

Bytes32 withTopBit(Bytes32 b) {
  b[31] |= 0x80;
  return b;
}

}  // namespace

// Vectors: tests/unit/core/crypto/data/e2c_*.txt, produced by ironwood's
// encrypted/internal/e2c (see README.md in host/core/crypto).
class KeyConversionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(KeyConversionTest);
  CPPUNIT_TEST(publicKeysConvertExactlyAsGo);
  CPPUNIT_TEST(libsodiumCoversValidKeysAndTheFallbackTheRest);
  CPPUNIT_TEST(signBitIsIgnored);
  CPPUNIT_TEST(secretIsGoSecretClamped);
  CPPUNIT_TEST(convertedKeysAgreeOnSharedSecrets);
  CPPUNIT_TEST(montgomeryUMatchesBignumOnRandomBytes);
  CPPUNIT_TEST(montgomeryUMatchesBignumOnEdgeValues);
  CPPUNIT_TEST(fieldArithmeticMatchesBignum);
  CPPUNIT_TEST(fieldInverse);
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

  // The fallback of boxPublicFromEd against the BIGNUM code it replaced.
  void montgomeryUMatchesBignumOnRandomBytes() {
    BignumModP ref;
    std::mt19937_64 rng(25519);
    for (int i = 0; i < 5000; ++i) {
      auto y = randomBytes32(rng);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(hex(y), hex(ref.montgomeryU(y)), hex(montgomeryUFromEdwardsY(y)));
    }
  }

  void montgomeryUMatchesBignumOnEdgeValues() {
    BignumModP ref;
    std::vector<Bytes32> ys;
    // Every non-canonical y: p .. 2^255 - 1 (= p + 18).
    for (long k = 0; k <= 18; ++k) ys.push_back(ref.pPlus(k));
    CPPUNIT_ASSERT_EQUAL(std::string(64, 'f').replace(62, 2, "7f"), hex(ys.back()));
    Bytes32 one{};
    one[0] = 1;
    ys.push_back(Bytes32{});
    ys.push_back(one);
    ys.push_back(ref.pPlus(-1));
    ys.push_back(ref.pPlus(-2));
    for (std::size_t i = 0, n = ys.size(); i < n; ++i) ys.push_back(withTopBit(ys[i]));
    for (auto& y : ys) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(hex(y), hex(ref.montgomeryU(y)), hex(montgomeryUFromEdwardsY(y)));
      // The fallback and boxPublicFromEd agree on every input.
      CPPUNIT_ASSERT_EQUAL_MESSAGE(hex(y), hex(ref.montgomeryU(y)), hex(boxPublicFromEd(PublicKey{y}).bytes));
    }
    // y = 1 and y = p + 1 (both = 1 mod p), with and without the sign bit: u = 0.
    for (auto& y : {one, ref.pPlus(1), withTopBit(one), withTopBit(ref.pPlus(1))})
      CPPUNIT_ASSERT_EQUAL(hex(Bytes32{}), hex(montgomeryUFromEdwardsY(y)));
    // y = 0: u = 1; y = p - 1 (= -1): u = 0 / 2 = 0.
    Bytes32 uOne{};
    uOne[0] = 1;
    CPPUNIT_ASSERT_EQUAL(hex(uOne), hex(montgomeryUFromEdwardsY(Bytes32{})));
    CPPUNIT_ASSERT_EQUAL(hex(Bytes32{}), hex(montgomeryUFromEdwardsY(ref.pPlus(-1))));
  }

  // fromBytes (all 256 bits), +, -, * against BIGNUM, on random values and on
  // values around p, 2p and 2^256.
  void fieldArithmeticMatchesBignum() {
    BignumModP ref;
    std::mt19937_64 rng(2255);
    Bytes32 allOnes;
    allOnes.fill(0xff);
    std::vector<Bytes32> values = {Bytes32{}, allOnes, ref.twoPPlus(-1), ref.twoPPlus(0), ref.twoPPlus(37)};
    for (long k : {-2L, -1L, 0L, 1L, 18L, 19L, 37L, 38L}) values.push_back(ref.pPlus(k));
    for (std::uint64_t small : {1ULL, 2ULL, 19ULL, 38ULL, ~0ULL}) {
      Bytes32 b{};
      for (std::size_t i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(small >> (8 * i));
      values.push_back(b);
    }
    for (int i = 0; i < 40; ++i) values.push_back(randomBytes32(rng));
    CPPUNIT_ASSERT_EQUAL(std::string("25") + std::string(62, '0'), hex(Field25519::fromBytes(allOnes).toBytes()));
    for (auto& a : values) {
      auto fa = Field25519::fromBytes(a);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(hex(a), hex(ref.reduce(a)), hex(fa.toBytes()));
      for (auto& b : values) {
        auto fb = Field25519::fromBytes(b);
        auto what = hex(a) + " " + hex(b);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("+ " + what, hex(ref.add(a, b)), hex((fa + fb).toBytes()));
        CPPUNIT_ASSERT_EQUAL_MESSAGE("- " + what, hex(ref.sub(a, b)), hex((fa - fb).toBytes()));
        CPPUNIT_ASSERT_EQUAL_MESSAGE("* " + what, hex(ref.mul(a, b)), hex((fa * fb).toBytes()));
      }
    }
  }

  void fieldInverse() {
    BignumModP ref;
    std::mt19937_64 rng(19);
    const auto one = Field25519::fromU64(1);
    for (int i = 0; i < 500; ++i) {
      auto a = Field25519::fromBytes(randomBytes32(rng));
      if (a.isZero()) continue;
      CPPUNIT_ASSERT(a * a.inverse() == one);
    }
    CPPUNIT_ASSERT(one.inverse() == one);
    auto minusOne = Field25519::fromBytes(ref.pPlus(-1));
    CPPUNIT_ASSERT(minusOne.inverse() == minusOne);
    // Zero has no inverse; inverse() documents zero for it, whatever encodes it.
    CPPUNIT_ASSERT(Field25519().inverse().isZero());
    CPPUNIT_ASSERT(Field25519::fromBytes(ref.pPlus(0)).inverse().isZero());
    CPPUNIT_ASSERT(Field25519::fromBytes(ref.twoPPlus(0)).inverse().isZero());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(KeyConversionTest);
