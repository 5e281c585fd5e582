// Reading remote peers replies (parsePeerKeys) and key arguments: the keys
// real yggdrasil 0.5.12 nodes sent (tests/data/probe, captured by
// tests/interop/probe through our diagnostics service), bad entries skipped,
// the 1024-key cap, the size limit, not-a-list.
#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>

#include "FakeUpstream.hpp"
#include "probe/PeerKeysReply.hpp"
#include "probe/ProbeTypes.hpp"
#include "ratatoskr/address.hpp"

using namespace rtk;
using namespace rtk::probe;

namespace {

std::string dataFile(const std::string& name) {
  std::ifstream in(std::string(RTK_PROBE_DATA) + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing test data " + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Errc codeOf(std::string_view text) {
  try {
    parsePeerKeys(text);
  } catch (const Error& e) {
    return e.code();
  }
  return Errc::Unknown;
}

}  // namespace

class PeerKeysReplyTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PeerKeysReplyTest);
  CPPUNIT_TEST(readsARealNodesPeers);
  CPPUNIT_TEST(skipsEntriesThatAreNotKeys);
  CPPUNIT_TEST(keepsAtMost1024Keys);
  CPPUNIT_TEST(refusesWhatIsNotAList);
  CPPUNIT_TEST(keyArguments);
  CPPUNIT_TEST_SUITE_END();

 public:
  void readsARealNodesPeers() {
    // A real node in the middle of a line: two peers.
    const std::string text = dataFile("real-peers-reply.json");
    auto keys = parsePeerKeys(text);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), keys.keys.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), keys.skipped);
    CPPUNIT_ASSERT(keys.keys[0] < keys.keys[1]);
    CPPUNIT_ASSERT(text.find(keys.keys[0].hex()) != std::string::npos);
    CPPUNIT_ASSERT(text.find(keys.keys[1].hex()) != std::string::npos);
    // An end node: one peer.
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), parsePeerKeys(dataFile("real-peers-reply-end.json")).keys.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), parsePeerKeys("[]").keys.size());
  }

  void skipsEntriesThatAreNotKeys() {
    const auto k = fake::keyN(3).hex();
    std::string upper = k;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto keys = parsePeerKeys("[\"" + k + "\", \"" + k.substr(0, 62) + "\", 7, null, {\"k\":1}, \"" + k + "zz\", \"" +
                              upper + "\", \"" + fake::keyN(1).hex() + "\"]");
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), keys.keys.size());  // the duplicate (upper case) collapses
    CPPUNIT_ASSERT_EQUAL(std::size_t(5), keys.skipped);  // short, 7, null, an object, too long
    CPPUNIT_ASSERT(keys.keys[0] == fake::keyN(1) && keys.keys[1] == fake::keyN(3));
  }

  void keepsAtMost1024Keys() {
    std::vector<PublicKey> many;
    for (int i = 0; i < 1100; ++i) many.push_back(fake::keyN(i));
    auto keys = parsePeerKeys(fake::keysJson(many));
    CPPUNIT_ASSERT_EQUAL(kMaxKeysPerReply, keys.keys.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(76), keys.dropped);
  }

  void refusesWhatIsNotAList() {
    CPPUNIT_ASSERT(codeOf("{\"keys\":[]}") == Errc::Protocol);
    CPPUNIT_ASSERT(codeOf("not json") == Errc::Protocol);
    CPPUNIT_ASSERT(codeOf("") == Errc::Protocol);
    CPPUNIT_ASSERT(codeOf("[" + std::string(kMaxReplyBytes, ' ') + "]") == Errc::MessageTooLarge);
  }

  void keyArguments() {
    const auto k = fake::keyN(5);
    CPPUNIT_ASSERT(parseKeyArgument(k.hex(), "key") == k);
    CPPUNIT_ASSERT(parseKeyArgument(address::pkYggName(k), "key") == k);
    CPPUNIT_ASSERT(parseKeyArgument(address::pkYggName(k) + ".", "key") == k);
    CPPUNIT_ASSERT_THROW(parseKeyArgument("200:1234::1", "key"), Error);
    CPPUNIT_ASSERT_THROW(parseKeyArgument(k.hex().substr(1), "key"), Error);
    CPPUNIT_ASSERT_THROW(parseKeyArgument("zz" + k.hex().substr(2), "key"), Error);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PeerKeysReplyTest);
