#include <cppunit/extensions/HelperMacros.h>

#include <random>

#include "WireVectors.hpp"
#include "core/wire/Uvarint.hpp"

using namespace rtk::core;
using rtk::test::vectorsOf;

class UvarintTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(UvarintTest);
  CPPUNIT_TEST(encodesLikeGo);
  CPPUNIT_TEST(decodesLikeGoIncludingOverflowAndNonMinimal);
  CPPUNIT_TEST(roundTripsRandomValues);
  CPPUNIT_TEST_SUITE_END();

 public:
  void encodesLikeGo() {
    for (auto* r : vectorsOf("uvarint")) {
      const auto value = r->num("value");
      Bytes out;
      wire::appendUvarint(out, value);
      CPPUNIT_ASSERT_EQUAL(r->at("enc"), rtk::test::hex(out));
      CPPUNIT_ASSERT_EQUAL(out.size(), wire::uvarintSize(value));
      std::uint8_t buf[wire::kMaxUvarintBytes];
      CPPUNIT_ASSERT_EQUAL(out.size(), wire::putUvarint(buf, value));
      CPPUNIT_ASSERT(std::equal(out.begin(), out.end(), buf));
    }
  }

  void decodesLikeGoIncludingOverflowAndNonMinimal() {
    for (auto* r : vectorsOf("uvdecode")) {
      const Bytes in = r->bytes("in");
      std::uint64_t value = 12345;
      const int n = wire::decodeUvarint(in, value);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r->at("in"), static_cast<int>(std::stoi(r->at("n"))), n);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r->at("in"), r->num("value"), value);
    }
  }

  void roundTripsRandomValues() {
    std::mt19937_64 rng(7);
    for (int i = 0; i < 10000; ++i) {
      const std::uint64_t v = rng() >> (rng() % 64);
      Bytes out;
      wire::appendUvarint(out, v);
      out.push_back(0xaa);  // a following byte is not consumed
      std::uint64_t back = 0;
      CPPUNIT_ASSERT_EQUAL(static_cast<int>(out.size() - 1), wire::decodeUvarint(out, back));
      CPPUNIT_ASSERT_EQUAL(v, back);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(UvarintTest);
