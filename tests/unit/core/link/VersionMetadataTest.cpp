#include <cppunit/extensions/HelperMacros.h>

#include "core/crypto/Ed25519.hpp"
#include "core/link/VersionMetadata.hpp"
#include "ratatoskr/error.hpp"
#include "support/TestData.hpp"

using rtk::Errc;
using rtk::core::Bytes;
using rtk::core::ByteView;
using rtk::core::crypto::SigningKey;
using rtk::core::link::VersionMetadata;

namespace {

void expectDecodeError(const Bytes& message, const std::string& password, Errc code, const std::string& needle) {
  try {
    VersionMetadata::decode(message, password);
  } catch (const rtk::Error& e) {
    CPPUNIT_ASSERT_MESSAGE(e.what(), e.code() == code);
    CPPUNIT_ASSERT_MESSAGE(std::string(e.what()) + " lacks " + needle, std::string(e.what()).find(needle) != std::string::npos);
    return;
  }
  CPPUNIT_FAIL("decode should fail with " + needle);
}

}  // namespace

class VersionMetadataTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(VersionMetadataTest);
  CPPUNIT_TEST(encodeReproducesTheRealNodeBytes);
  CPPUNIT_TEST(decodesTheRealNodeBytes);
  CPPUNIT_TEST(wrongPasswordIsRefused);
  CPPUNIT_TEST(tamperedSignatureIsRefused);
  CPPUNIT_TEST(preambleAndLengthChecks);
  CPPUNIT_TEST(unknownFieldsAreSkippedAndShortFieldsRefused);
  CPPUNIT_TEST(missingPublicKeyIsRefused);
  CPPUNIT_TEST(versionIsReportedForTheCompatibilityCheck);
  CPPUNIT_TEST(passwordLongerThan64BytesIsInvalid);
  CPPUNIT_TEST_SUITE_END();

 public:
  void encodeReproducesTheRealNodeBytes() {
    auto key = SigningKey::fromHex(rtk::test::kCaptureNodePrivateKey);
    VersionMetadata plain;
    CPPUNIT_ASSERT(plain.encode(key, "") == rtk::test::testData("real-meta-seed00-prio0.bin"));
    VersionMetadata prio;
    prio.priority = 3;
    CPPUNIT_ASSERT(prio.encode(key, "hunter2") == rtk::test::testData("real-meta-seed00-hunter2-prio3.bin"));
  }

  void decodesTheRealNodeBytes() {
    auto key = SigningKey::fromHex(rtk::test::kCaptureNodePrivateKey);
    Bytes real = rtk::test::testData("real-meta-seed00-hunter2-prio3.bin");
    CPPUNIT_ASSERT_EQUAL(real.size(), VersionMetadata::messageBytes(ByteView(real).first(6)));
    auto m = VersionMetadata::decode(real, "hunter2");
    CPPUNIT_ASSERT(m.publicKey == key.publicKey());
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(3), m.priority);
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(0), m.majorVersion);
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(5), m.minorVersion);
    CPPUNIT_ASSERT(m.compatible());
    // The metadata the real dialer sent in the tcp capture decodes too.
    Bytes stream = rtk::test::testData("real-tcp-dialer-to-listener.bin");
    std::size_t n = VersionMetadata::messageBytes(ByteView(stream).first(6));
    auto dialer = VersionMetadata::decode(ByteView(stream).first(n), "");
    CPPUNIT_ASSERT(dialer.publicKey != key.publicKey());
    CPPUNIT_ASSERT(dialer.compatible());
  }

  void wrongPasswordIsRefused() {
    Bytes real = rtk::test::testData("real-meta-seed00-hunter2-prio3.bin");
    expectDecodeError(real, "", Errc::Protocol, "password does not match remote side");
    expectDecodeError(real, "hunter3", Errc::Protocol, "password does not match remote side");
    Bytes plain = rtk::test::testData("real-meta-seed00-prio0.bin");
    expectDecodeError(plain, "hunter2", Errc::Protocol, "password does not match remote side");
  }

  void tamperedSignatureIsRefused() {
    Bytes real = rtk::test::testData("real-meta-seed00-prio0.bin");
    real.back() ^= 0x01;
    expectDecodeError(real, "", Errc::Protocol, "signature is invalid");
    // A changed priority is not covered by the signature (as in Go) ...
    Bytes prio = rtk::test::testData("real-meta-seed00-prio0.bin");
    prio[6 + 6 + 6 + 4 + 32 + 4] = 9;
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(9), VersionMetadata::decode(prio, "").priority);
    // ... but a changed key is.
    Bytes other = rtk::test::testData("real-meta-seed00-prio0.bin");
    other[6 + 6 + 6 + 4] ^= 0x80;
    expectDecodeError(other, "", Errc::Protocol, "password does not match");
  }

  void preambleAndLengthChecks() {
    Bytes real = rtk::test::testData("real-meta-seed00-prio0.bin");
    Bytes bad = real;
    bad[0] = 'M';
    expectDecodeError(bad, "", Errc::Protocol, "remote side is not Yggdrasil");
    Bytes http = {'G', 'E', 'T', ' ', '/', ' '};
    CPPUNIT_ASSERT_THROW(VersionMetadata::messageBytes(http), rtk::Error);
    Bytes shortLen = {'m', 'e', 't', 'a', 0, 63};
    expectDecodeError(shortLen, "", Errc::Protocol, "invalid handshake length");
    Bytes truncated(real.begin(), real.end() - 1);
    expectDecodeError(truncated, "", Errc::Protocol, "header says");
    expectDecodeError(Bytes{'m', 'e'}, "", Errc::Protocol, "not Yggdrasil");
  }

  void unknownFieldsAreSkippedAndShortFieldsRefused() {
    auto key = SigningKey::generate();
    Bytes m = VersionMetadata{}.encode(key, "");
    // Insert an unknown TLV (type 0x77, 3 bytes) before the signature.
    Bytes withExtra(m.begin(), m.end() - 64);
    withExtra.insert(withExtra.end(), {0x00, 0x77, 0x00, 0x03, 1, 2, 3});
    withExtra.insert(withExtra.end(), m.end() - 64, m.end());
    std::size_t body = withExtra.size() - 6;
    withExtra[4] = std::uint8_t(body >> 8);
    withExtra[5] = std::uint8_t(body);
    auto decoded = VersionMetadata::decode(withExtra, "");
    CPPUNIT_ASSERT(decoded.publicKey == key.publicKey());

    // A major-version field of one byte is refused instead of read past.
    Bytes shortField = {'m', 'e', 't', 'a', 0, 0, 0x00, 0x00, 0x00, 0x01, 0x00};
    shortField.resize(shortField.size() + 64);
    shortField[5] = std::uint8_t(shortField.size() - 6);
    expectDecodeError(shortField, "", Errc::Protocol, "major version field is 1 bytes");
  }

  void missingPublicKeyIsRefused() {
    Bytes noKey = {'m', 'e', 't', 'a', 0, 0, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x05};
    noKey.resize(noKey.size() + 64);
    noKey[5] = std::uint8_t(noKey.size() - 6);
    expectDecodeError(noKey, "", Errc::Protocol, "invalid hash length");
  }

  void versionIsReportedForTheCompatibilityCheck() {
    auto key = SigningKey::generate();
    VersionMetadata old;
    old.minorVersion = 4;
    auto decoded = VersionMetadata::decode(old.encode(key, "pw"), "pw");
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(4), decoded.minorVersion);
    CPPUNIT_ASSERT(!decoded.compatible());
    VersionMetadata next;
    next.majorVersion = 1;
    next.minorVersion = 5;
    CPPUNIT_ASSERT(!VersionMetadata::decode(next.encode(key, ""), "").compatible());
  }

  void passwordLongerThan64BytesIsInvalid() {
    auto key = SigningKey::generate();
    std::string max(64, 'x'), tooLong(65, 'x');
    auto m = VersionMetadata{}.encode(key, max);
    CPPUNIT_ASSERT(VersionMetadata::decode(m, max).publicKey == key.publicKey());
    try {
      VersionMetadata{}.encode(key, tooLong);
      CPPUNIT_FAIL("a 65-byte password must be refused");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::InvalidArgument);
      CPPUNIT_ASSERT(std::string(e.what()).find("invalid password supplied") != std::string::npos);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(VersionMetadataTest);
