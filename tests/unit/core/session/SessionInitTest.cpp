#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <string>

#include "core/crypto/KeyConversion.hpp"
#include "core/session/SessionInit.hpp"
#include "ratatoskr/error.hpp"
#include "unit/core/crypto/TestVectors.hpp"

using rtk::core::Bytes;
using rtk::core::ByteView;
using namespace rtk::core;
using namespace rtk::core::session;
using rtk::test::hex;
using rtk::test::unhex;
using rtk::test::unhexArray;

namespace {

struct GoInit {
  std::string type;
  crypto::SigningKey sender, receiver;
  SessionInit init;
  crypto::BoxKeyPair ephemeral;
  Bytes packet;
};

// data/go_inits.txt: inits and acks sealed by ironwood's sessionInit.encrypt,
// each preceded by the ephemeral box secret it drew.
std::vector<GoInit> goInits() {
  std::vector<GoInit> out;
  std::optional<crypto::BoxKeyPair> eph;
  for (auto& row : rtk::test::readVectors(RTK_SESSION_DATA "/go_inits.txt")) {
    if (row.size() == 3 && row[1] == "key") {
      crypto::BoxSecretKey s;
      s.bytes = unhexArray<32>(row[2]);
      eph = crypto::BoxKeyPair::fromSecret(s);
    } else if (row[0] == "vec") {
      CPPUNIT_ASSERT(eph.has_value());
      SessionInit init;
      init.current.bytes = unhexArray<32>(row[4]);
      init.next.bytes = unhexArray<32>(row[5]);
      init.keySeq = std::stoull(row[6]);
      init.seq = std::stoull(row[7]);
      out.push_back(GoInit{row[1], crypto::SigningKey::fromHex(row[2]), crypto::SigningKey::fromHex(row[3]), init,
                           *eph, unhex(row[8])});
      eph.reset();
    }
  }
  return out;
}

}  // namespace

class SessionInitTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SessionInitTest);
  CPPUNIT_TEST(decodesGoInitsAndAcks);
  CPPUNIT_TEST(decodesOurInitsThatGoAccepted);
  CPPUNIT_TEST(encodesTheBytesGoEncodes);
  CPPUNIT_TEST(rejectsWrongKeysTamperingAndSizes);
  CPPUNIT_TEST(roundTripsFreshInits);
  CPPUNIT_TEST(onlyInitAndAckTypesEncode);
  CPPUNIT_TEST_SUITE_END();

 public:
  void decodesGoInitsAndAcks() {
    std::map<std::string, int> types;
    for (auto& v : goInits()) {
      CPPUNIT_ASSERT_EQUAL(kSessionInitSize, v.packet.size());
      CPPUNIT_ASSERT_EQUAL(int(v.type == "ack" ? 2 : 1), int(v.packet[0]));
      auto got = SessionInit::decode(ByteView(v.packet), crypto::boxSecretFromEd(v.receiver), v.sender.publicKey());
      CPPUNIT_ASSERT(got.has_value());
      CPPUNIT_ASSERT(*got == v.init);
      ++types[v.type];
    }
    CPPUNIT_ASSERT_EQUAL(20, types["init"]);
    CPPUNIT_ASSERT_EQUAL(20, types["ack"]);
  }

  // data/cpp_inits.txt: inits/acks SessionInit::encode produced, every one of
  // which ironwood's sessionInit.decrypt opened and verified to these fields.
  void decodesOurInitsThatGoAccepted() {
    int n = 0;
    for (auto& row : rtk::test::readVectors(RTK_SESSION_DATA "/cpp_inits.txt")) {
      auto sender = crypto::SigningKey::fromHex(row[2]);
      auto receiver = crypto::SigningKey::fromHex(row[3]);
      auto packet = unhex(row[8]);
      auto got = SessionInit::decode(ByteView(packet), crypto::boxSecretFromEd(receiver), sender.publicKey());
      CPPUNIT_ASSERT(got.has_value());
      CPPUNIT_ASSERT_EQUAL(row[4], hex(got->current.bytes));
      CPPUNIT_ASSERT_EQUAL(row[5], hex(got->next.bytes));
      CPPUNIT_ASSERT_EQUAL(std::stoull(row[6]), static_cast<unsigned long long>(got->keySeq));
      CPPUNIT_ASSERT_EQUAL(std::stoull(row[7]), static_cast<unsigned long long>(got->seq));
      ++n;
    }
    CPPUNIT_ASSERT_EQUAL(40, n);
  }

  void encodesTheBytesGoEncodes() {
    for (auto& v : goInits()) {
      auto type = v.type == "ack" ? SessionPacketType::Ack : SessionPacketType::Init;
      auto ours = v.init.encode(type, v.sender, crypto::boxPublicFromEd(v.receiver.publicKey()), v.ephemeral);
      CPPUNIT_ASSERT_EQUAL(hex(ByteView(v.packet)), hex(ByteView(ours)));
    }
  }

  void rejectsWrongKeysTamperingAndSizes() {
    auto all = goInits();
    const auto& v = all.at(2);
    auto ourSecret = crypto::boxSecretFromEd(v.receiver);
    auto other = crypto::SigningKey::generate();
    CPPUNIT_ASSERT(!SessionInit::decode(ByteView(v.packet), ourSecret, other.publicKey()));
    CPPUNIT_ASSERT(!SessionInit::decode(ByteView(v.packet), crypto::boxSecretFromEd(other), v.sender.publicKey()));
    for (std::size_t i = 1; i < v.packet.size(); ++i) {
      Bytes bad = v.packet;
      bad[i] ^= 0x20;
      CPPUNIT_ASSERT_MESSAGE("byte " + std::to_string(i), !SessionInit::decode(ByteView(bad), ourSecret, v.sender.publicKey()));
    }
    // The type byte is outside the box and the signature; the caller dispatches on it (as Go does).
    Bytes retyped = v.packet;
    retyped[0] = 2;
    CPPUNIT_ASSERT(SessionInit::decode(ByteView(retyped), ourSecret, v.sender.publicKey()).has_value());
    Bytes longer = v.packet;
    longer.push_back(0);
    CPPUNIT_ASSERT(!SessionInit::decode(ByteView(longer), ourSecret, v.sender.publicKey()));
    CPPUNIT_ASSERT(!SessionInit::decode(ByteView(v.packet).first(kSessionInitSize - 1), ourSecret, v.sender.publicKey()));
    CPPUNIT_ASSERT(!SessionInit::decode(ByteView(), ourSecret, v.sender.publicKey()));
  }

  void roundTripsFreshInits() {
    for (int i = 0; i < 20; ++i) {
      auto a = crypto::SigningKey::generate(), b = crypto::SigningKey::generate();
      SessionInit init{crypto::BoxKeyPair::generate().publicKey, crypto::BoxKeyPair::generate().publicKey,
                       static_cast<std::uint64_t>(i) * 0x0101010101ull, 1700000000ull + static_cast<std::uint64_t>(i)};
      auto packet = init.encode(SessionPacketType::Init, a, crypto::boxPublicFromEd(b.publicKey()),
                                crypto::BoxKeyPair::generate());
      CPPUNIT_ASSERT_EQUAL(kSessionInitSize, packet.size());
      auto got = SessionInit::decode(ByteView(packet), crypto::boxSecretFromEd(b), a.publicKey());
      CPPUNIT_ASSERT(got && *got == init);
    }
  }

  void onlyInitAndAckTypesEncode() {
    SessionInit init;
    auto k = crypto::SigningKey::generate();
    CPPUNIT_ASSERT_THROW(init.encode(SessionPacketType::Traffic, k, crypto::boxPublicFromEd(k.publicKey()),
                                     crypto::BoxKeyPair::generate()),
                         rtk::Error);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SessionInitTest);
