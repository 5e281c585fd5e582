#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <iterator>
#include <string>

#include "peermgr/CandidateList.hpp"

using rtk::peermgr::CandidateList;
using rtk::peermgr::parsePublicPeers;

namespace {

std::string readSample() {
  std::ifstream in(std::string(RTK_PEERMGR_DATA) + "/public-peers-sample.md", std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::size_t warningsContaining(const CandidateList& list, const std::string& fragment) {
  std::size_t n = 0;
  for (const auto& notice : list.notices()) n += notice.warning && notice.text.find(fragment) != std::string::npos ? 1 : 0;
  return n;
}

}  // namespace

class CandidateListTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CandidateListTest);
  CPPUNIT_TEST(takesTheRealListLeavingOutQuic);
  CPPUNIT_TEST(settingComesFirstAndWinsDuplicates);
  CPPUNIT_TEST(badEntriesAreNamedAndTheRestUsed);
  CPPUNIT_TEST_SUITE_END();

 public:
  void takesTheRealListLeavingOutQuic() {
    CandidateList list;
    list.addPublicPeers(parsePublicPeers(readSample()), "peers.md");
    CPPUNIT_ASSERT_EQUAL(std::size_t{32}, list.candidates().size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{8}, warningsContaining(list, "scheme \"quic\" is not supported"));
    CPPUNIT_ASSERT_EQUAL(std::size_t{8}, list.notices().size());
    CPPUNIT_ASSERT_EQUAL(std::string("peers.md:7"), list.candidates().front().origin);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, warningsContaining(list, "peers.md:9: \"quic://37.186.113.100:1515\""));
  }

  void settingComesFirstAndWinsDuplicates() {
    CandidateList list;
    list.addSetting({"tcp://37.186.113.100:1514", "tls://a.example:1"}, "Modules.peermgr.Peers");
    list.addPublicPeers(parsePublicPeers(readSample()), "peers.md");
    CPPUNIT_ASSERT_EQUAL(std::size_t{33}, list.candidates().size());
    CPPUNIT_ASSERT_EQUAL(std::string("Modules.peermgr.Peers[0]"), list.candidates().front().origin);
    // The exact repeat on line 7 is a note, not a warning.
    bool noted = false;
    for (const auto& n : list.notices())
      noted = noted || (!n.warning && n.text == "peers.md:7: tcp://37.186.113.100:1514 repeats Modules.peermgr.Peers[0] (skipped)");
    CPPUNIT_ASSERT(noted);
  }

  void badEntriesAreNamedAndTheRestUsed() {
    std::string text =
        "# Test Peers\n"                                     // 1
        "  * `tls://k.example:1?key=aaaa`\n"                 // 2
        "  * `tls://K.example:1?key=bbbb`\n"                 // 3 same peer, other key
        "  * `tcp://`\n"                                     // 4 no host
        "  * `tcp://ok.example:9`\n"                         // 5
        "\x01\x02 garbage\n"                                 // 6
        "  * `tcp://ok.example:99999`\n"                     // 7 bad port
        "  * `tls://k.example:1?key=aaaa&priority=1`\n";     // 8 same peer, same key
    CandidateList list;
    list.addPublicPeers(parsePublicPeers(text), "bad.md");
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, list.candidates().size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, warningsContaining(list, "bad.md:3: tls://k.example:1?… is the same peer as bad.md:2 but pins a different key="));
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, warningsContaining(list, "bad.md:4: \"tcp://\": no host"));
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, warningsContaining(list, "bad.md:6: not text"));
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, warningsContaining(list, "bad.md:7: \"tcp://ok.example:99999\": port"));
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, warningsContaining(list, "bad.md:8: tls://k.example:1?… is the same peer as bad.md:2 with other options"));
    CPPUNIT_ASSERT_EQUAL(std::size_t{5}, list.notices().size());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CandidateListTest);
