#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <iterator>
#include <string>

#include "peermgr/PublicPeersFile.hpp"

using rtk::peermgr::parsePublicPeers;

namespace {

std::string readData(const std::string& name) {
  std::ifstream in(std::string(RTK_PEERMGR_DATA) + "/" + name, std::ios::binary);
  CPPUNIT_ASSERT_MESSAGE("missing test data " + name, in.good());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool hasIssue(const rtk::peermgr::PublicPeersList& list, std::size_t line, const std::string& fragment) {
  for (const auto& i : list.issues)
    if (i.line == line && i.what.find(fragment) != std::string::npos) return true;
  return false;
}

}  // namespace

class PublicPeersFileTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PublicPeersFileTest);
  CPPUNIT_TEST(readsTheRealListsInOrderWithLines);
  CPPUNIT_TEST(ignoresProseCodeSpans);
  CPPUNIT_TEST(reportsGarbageNamingTheLine);
  CPPUNIT_TEST(toleratesCrlfAndEmptyInput);
  CPPUNIT_TEST(boundsEntries);
  CPPUNIT_TEST_SUITE_END();

 public:
  // public-peers-sample.md: armenia.md, the first 24 lines of germany.md and
  // the first 45 of russia.md of yggdrasil-network/public-peers f4dda70.
  void readsTheRealListsInOrderWithLines() {
    auto list = parsePublicPeers(readData("public-peers-sample.md"));
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, list.issues.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{40}, list.entries.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{7}, list.entries.front().line);
    CPPUNIT_ASSERT_EQUAL(std::string("tcp://37.186.113.100:1514"), list.entries.front().text);
    CPPUNIT_ASSERT_EQUAL(std::size_t{32}, list.entries[12].line);
    CPPUNIT_ASSERT_EQUAL(std::string("tcp://ygg2.mk16.de:1337?key=000000d80a2d7b3126ea65c8c08fc751088c491a5cdd47eff11c86fa1e4644ae"),
                         list.entries[12].text);
    CPPUNIT_ASSERT_EQUAL(std::size_t{83}, list.entries.back().line);
    CPPUNIT_ASSERT_EQUAL(std::string("quic://ip4.01.msk.ru.dioni.su:9002"), list.entries.back().text);
  }

  void ignoresProseCodeSpans() {
    auto list = parsePublicPeers(
        "Add connection strings from the below list to the `Peers: []` section of your\n"
        "* Yerevan, operated by [WGOS](https://github.com/WGOS) (Matrix: `@wgos:wgos.org`)\n"
        "  * `tls://[2a03:3b40:fe:ab::1]:993` and `tcp://h:1`\n");
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, list.issues.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, list.entries.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, list.entries[1].line);
  }

  void reportsGarbageNamingTheLine() {
    std::string text = "# Peers\n";                                  // 1
    text += "  * `tcp://good.example:1`\n";                           // 2
    text += std::string("\x01\x02\xff garbage\n");                    // 3
    text += "  * `tcp://unterminated.example:1\n";                     // 4
    text += "  * tcp://bare.example:1\n";                              // 5
    text += std::string(5000, 'x') + "\n";                            // 6
    text += "  * `tls://good.example:2`\n";                           // 7
    text += std::string("  * `tcp://nul.example:1`\0\n", 27);         // 8
    auto list = parsePublicPeers(text);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, list.entries.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{7}, list.entries[1].line);
    CPPUNIT_ASSERT(hasIssue(list, 3, "not text"));
    CPPUNIT_ASSERT(hasIssue(list, 4, "unmatched backtick"));
    CPPUNIT_ASSERT(hasIssue(list, 5, "outside backticks"));
    CPPUNIT_ASSERT(hasIssue(list, 6, "5000 bytes"));
    CPPUNIT_ASSERT(hasIssue(list, 8, "not text"));
    CPPUNIT_ASSERT_EQUAL(std::size_t{5}, list.issues.size());
  }

  void toleratesCrlfAndEmptyInput() {
    auto list = parsePublicPeers("* x\r\n  * `tcp://h:1`\r\n");
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, list.issues.size());
    CPPUNIT_ASSERT_EQUAL(std::string("tcp://h:1"), list.entries.at(0).text);
    CPPUNIT_ASSERT(parsePublicPeers("").entries.empty());
    CPPUNIT_ASSERT(parsePublicPeers("\n\n").issues.empty());
  }

  void boundsEntries() {
    std::string text;
    for (int i = 0; i < 5000; ++i) text += "`tcp://h" + std::to_string(i) + ":1`\n";
    auto list = parsePublicPeers(text);
    CPPUNIT_ASSERT_EQUAL(rtk::peermgr::kPublicPeersMaxEntries, list.entries.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, list.issues.size());
    CPPUNIT_ASSERT(hasIssue(list, rtk::peermgr::kPublicPeersMaxEntries + 1, "more than 4096"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PublicPeersFileTest);
