#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <iterator>

#include "core/crypto/Ed25519.hpp"
#include "core/multicast/Beacon.hpp"
#include "ratatoskr/error.hpp"

using rtk::Errc;
using rtk::core::Bytes;
using rtk::core::multicast::Beacon;

namespace {

const char* kSeed00PrivateKey =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";

Bytes beaconData(const std::string& name) {
  std::ifstream in(std::string(RTK_MULTICAST_TESTDATA) + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing test data " + name);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void expectRefused(const Bytes& datagram, const std::string& needle) {
  try {
    Beacon::decode(datagram);
  } catch (const rtk::Error& e) {
    CPPUNIT_ASSERT_MESSAGE(e.what(), e.code() == Errc::Protocol);
    CPPUNIT_ASSERT_MESSAGE(std::string(e.what()) + " lacks " + needle, std::string(e.what()).find(needle) != std::string::npos);
    return;
  }
  CPPUNIT_FAIL("decode should refuse: " + needle);
}

}  // namespace

class BeaconTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BeaconTest);
  CPPUNIT_TEST(encodeReproducesTheRealNodeBytes);
  CPPUNIT_TEST(decodesTheRealNodeBytes);
  CPPUNIT_TEST(passwordDecidesTheMatch);
  CPPUNIT_TEST(shortAndLongDatagramsAreRefused);
  CPPUNIT_TEST(declaredHashLengthMustBe64);
  CPPUNIT_TEST(otherVersionsAreRefused);
  CPPUNIT_TEST(portZeroIsRefused);
  CPPUNIT_TEST(passwordLongerThan64BytesIsRefused);
  CPPUNIT_TEST_SUITE_END();

 public:
  void encodeReproducesTheRealNodeBytes() {
    auto key = rtk::core::crypto::SigningKey::fromHex(kSeed00PrivateKey);
    Bytes plain = Beacon::make(key.publicKey(), 12345, "").encode();
    CPPUNIT_ASSERT_EQUAL(std::size_t(104), plain.size());
    CPPUNIT_ASSERT(plain == beaconData("real-beacon-seed00-port12345.bin"));
    CPPUNIT_ASSERT(Beacon::make(key.publicKey(), 12345, "hunter2").encode() ==
                   beaconData("real-beacon-seed00-port12345-hunter2.bin"));
  }

  void decodesTheRealNodeBytes() {
    auto key = rtk::core::crypto::SigningKey::fromHex(kSeed00PrivateKey);
    Beacon b = Beacon::decode(beaconData("real-beacon-seed00-port12345-hunter2.bin"));
    CPPUNIT_ASSERT(b.key == key.publicKey());
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(12345), b.port);
    CPPUNIT_ASSERT(b.encode() == beaconData("real-beacon-seed00-port12345-hunter2.bin"));
  }

  void passwordDecidesTheMatch() {
    Beacon plain = Beacon::decode(beaconData("real-beacon-seed00-port12345.bin"));
    CPPUNIT_ASSERT(plain.matchesPassword(""));
    CPPUNIT_ASSERT(!plain.matchesPassword("hunter2"));
    Beacon keyed = Beacon::decode(beaconData("real-beacon-seed00-port12345-hunter2.bin"));
    CPPUNIT_ASSERT(keyed.matchesPassword("hunter2"));
    CPPUNIT_ASSERT(!keyed.matchesPassword(""));
    CPPUNIT_ASSERT(!keyed.matchesPassword("hunter3"));
    keyed.hash[63] ^= 1;
    CPPUNIT_ASSERT(!keyed.matchesPassword("hunter2"));
  }

  void shortAndLongDatagramsAreRefused() {
    Bytes real = beaconData("real-beacon-seed00-port12345.bin");
    expectRefused(Bytes(), "0 bytes, shorter than the 40-byte header");
    expectRefused(Bytes(real.begin(), real.begin() + 39), "39 bytes, shorter than the 40-byte header");
    // Header intact, hash cut short: 0.5.12 would read stale buffer bytes here.
    expectRefused(Bytes(real.begin(), real.begin() + 40), "40 bytes, expected 104");
    expectRefused(Bytes(real.begin(), real.end() - 1), "103 bytes, expected 104");
    Bytes longer = real;
    longer.push_back(0);
    expectRefused(longer, "105 bytes, expected 104");
  }

  void declaredHashLengthMustBe64() {
    Bytes real = beaconData("real-beacon-seed00-port12345.bin");
    for (std::uint16_t length : {0, 32, 63, 65, 2009, 0xffff}) {
      Bytes b = real;
      b[38] = static_cast<std::uint8_t>(length >> 8);
      b[39] = static_cast<std::uint8_t>(length & 0xff);
      expectRefused(b, "hash length " + std::to_string(length) + ", expected 64");
    }
  }

  void otherVersionsAreRefused() {
    Bytes real = beaconData("real-beacon-seed00-port12345.bin");
    Bytes minor = real;
    minor[3] = 4;
    expectRefused(minor, "version 0.4, expected 0.5");
    Bytes major = real;
    major[1] = 1;
    expectRefused(major, "version 1.5, expected 0.5");
  }

  void portZeroIsRefused() {
    Bytes b = beaconData("real-beacon-seed00-port12345.bin");
    b[36] = b[37] = 0;
    expectRefused(b, "port 0");
  }

  void passwordLongerThan64BytesIsRefused() {
    auto key = rtk::core::crypto::SigningKey::fromHex(kSeed00PrivateKey);
    CPPUNIT_ASSERT_NO_THROW(Beacon::make(key.publicKey(), 1, std::string(64, 'x')));
    CPPUNIT_ASSERT_THROW(Beacon::make(key.publicKey(), 1, std::string(65, 'x')), rtk::Error);
    Beacon b = Beacon::make(key.publicKey(), 1, "");
    CPPUNIT_ASSERT(!b.matchesPassword(std::string(65, 'x')));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BeaconTest);
