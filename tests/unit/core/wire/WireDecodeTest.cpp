// Differential test against ironwood's own decoders: for every input in the
// "decode" vectors (valid packets, each truncation, trailing bytes and random
// corruptions), our decoder accepts exactly when Go's does, and re-encodes
// what it accepted exactly as Go re-encodes it.
#include <cppunit/extensions/HelperMacros.h>

#include "WireVectors.hpp"
#include "core/wire/Announce.hpp"
#include "core/wire/BloomFilter.hpp"
#include "core/wire/PathBroken.hpp"
#include "core/wire/PathLookup.hpp"
#include "core/wire/PathNotify.hpp"
#include "core/wire/SigRes.hpp"
#include "core/wire/Traffic.hpp"
#include "core/wire/WireTypes.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::core;
using rtk::test::hex;
using rtk::test::vectorsOf;

namespace {
template <class T>
std::optional<Bytes> roundTrip(ByteView in) {
  try {
    const T packet = T::decode(in);
    Bytes out;
    packet.encode(out);
    if (out.size() != packet.size()) CPPUNIT_FAIL("size() disagrees with encode()");
    return out;
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Protocol) CPPUNIT_FAIL("decode threw a non-protocol error");
    return std::nullopt;
  }
}

std::optional<Bytes> decodeAs(int type, ByteView in) {
  switch (static_cast<wire::PacketType>(type)) {
    case wire::PacketType::SigReq: return roundTrip<wire::SigReq>(in);
    case wire::PacketType::SigRes: return roundTrip<wire::SigRes>(in);
    case wire::PacketType::Announce: return roundTrip<wire::Announce>(in);
    case wire::PacketType::BloomFilter: return roundTrip<wire::BloomFilter>(in);
    case wire::PacketType::PathLookup: return roundTrip<wire::PathLookup>(in);
    case wire::PacketType::PathNotify: return roundTrip<wire::PathNotify>(in);
    case wire::PacketType::PathBroken: return roundTrip<wire::PathBroken>(in);
    case wire::PacketType::Traffic: return roundTrip<wire::Traffic>(in);
    default: CPPUNIT_FAIL("unexpected type in vectors");
  }
  return std::nullopt;
}
}  // namespace

class WireDecodeTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(WireDecodeTest);
  CPPUNIT_TEST(acceptsAndRejectsExactlyWhereGoDoes);
  CPPUNIT_TEST_SUITE_END();

 public:
  void acceptsAndRejectsExactlyWhereGoDoes() {
    std::map<int, std::pair<int, int>> perType;  // accepted, rejected
    for (auto* r : vectorsOf("decode")) {
      const int type = static_cast<int>(r->num("type"));
      const Bytes in = r->bytes("in");
      const auto out = decodeAs(type, in);
      const bool goOk = r->flag("ok");
      CPPUNIT_ASSERT_EQUAL_MESSAGE("type " + std::to_string(type) + " in " + r->at("in"), goOk, out.has_value());
      if (goOk) {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r->at("in"), r->at("out"), hex(*out));
        ++perType[type].first;
      } else {
        ++perType[type].second;
      }
    }
    for (int t = 2; t <= 9; ++t) {
      CPPUNIT_ASSERT(perType[t].first > 0);
      CPPUNIT_ASSERT(perType[t].second > 0);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WireDecodeTest);
