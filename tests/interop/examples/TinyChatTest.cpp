// Issue 15 c: two tiny-chat processes, each with its own embedded node and
// peered only with a real yggdrasil transit node, exchange 1 000 lines both
// ways; each side's output must be exactly the other side's input.
#include "Lab.hpp"
#include "Trace.hpp"
#include "Wait.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>

using namespace rtk::interop;

namespace {

constexpr int kChatLines = 1000;

std::string chatReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Numbered lines of varying length (some longer than one TCP segment) and
// some non-ASCII text, so a lost, repeated or reordered line shows.
std::string chatScript(const std::string& who) {
  std::string out;
  for (int i = 0; i < kChatLines; ++i) {
    out += who + " " + std::to_string(i) + ": zażółć gęślą jaźń ";
    out += std::string(static_cast<std::size_t>(i * 37 % 3000), static_cast<char>('a' + i % 26));
    out += "\n";
  }
  return out;
}

// The first line that differs, for a readable failure.
std::string firstDifference(const std::string& expected, const std::string& got) {
  std::istringstream e(expected), g(got);
  std::string le, lg;
  for (int n = 1;; ++n) {
    const bool he = static_cast<bool>(std::getline(e, le)), hg = static_cast<bool>(std::getline(g, lg));
    if (!he && !hg) return "identical";
    if (he != hg || le != lg)
      return "line " + std::to_string(n) + ": expected \"" + le.substr(0, 60) + "\", got \"" + lg.substr(0, 60) + "\"";
  }
}

}  // namespace

class TinyChatTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TinyChatTest);
  CPPUNIT_TEST(thousandLinesEachWayThroughRealTransit);
  CPPUNIT_TEST_SUITE_END();

 public:
  void thousandLinesEachWayThroughRealTransit() {
    Lab lab("ex-chat");
    Netns& transitNs = lab.addNetns("transit");
    Netns& aliceNs = lab.addNetns("alice");
    Netns& bobNs = lab.addNetns("bob");
    const VethLink& toAlice = lab.connect(transitNs, aliceNs);
    const VethLink& toBob = lab.connect(transitNs, bobNs);
    NodeSpec spec;
    spec.name = "transit";
    spec.listen = {"tcp://[::]:7100"};
    RealNode& transit = lab.addRealNode(spec, transitNs);
    transit.start();

    const std::string aliceKey = Node::generatePrivateKey();
    const std::string aliceName = Node::publicKeyOf(aliceKey) + ".pk.ygg";
    const std::string aliceText = chatScript("alice"), bobText = chatScript("bob");
    std::ofstream(lab.file("alice.in"), std::ios::binary) << aliceText;
    std::ofstream(lab.file("bob.in"), std::ios::binary) << bobText;
    auto chat = [&](const std::string& who, const VethLink& link, const std::string& extra) {
      return std::string(RTK_EXAMPLE_TINY_CHAT) + " --peer 'tcp://[" + link.a().ipv6 + "]:7100' --timeout 30 " + extra +
             " < " + lab.file(who + ".in").string() + " > " + lab.file(who + ".out").string();
    };

    const auto start = std::chrono::steady_clock::now();
    Subprocess alice = aliceNs.spawn({"sh", "-c", "exec " + chat("alice", toAlice, "--key " + aliceKey)},
                                     lab.file("alice.log").string());
    waitUntil("alice waits for a chat", 20000,
              [&] { return chatReadFile(lab.file("alice.log")).find("waiting for a chat") != std::string::npos; });
    // Bob knows alice only by her key, as a .pk.ygg name.
    Subprocess bob = bobNs.spawn({"sh", "-c", "exec " + chat("bob", toBob, aliceName)}, lab.file("bob.log").string());

    const auto bobEnd = bob.waitFor(40000);
    const auto aliceEnd = alice.waitFor(10000);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    trace("tiny-chat: " + std::to_string(2 * kChatLines) + " lines (" + std::to_string(aliceText.size() + bobText.size()) +
          " bytes) exchanged in " + std::to_string(s) + " s including startup");
    CPPUNIT_ASSERT_MESSAGE("bob still running; log: " + chatReadFile(lab.file("bob.log")), bobEnd.has_value());
    CPPUNIT_ASSERT_MESSAGE("alice still running; log: " + chatReadFile(lab.file("alice.log")), aliceEnd.has_value());
    CPPUNIT_ASSERT_MESSAGE("bob: " + bobEnd->describe() + "; log: " + chatReadFile(lab.file("bob.log")),
                           bobEnd->success());
    CPPUNIT_ASSERT_MESSAGE("alice: " + aliceEnd->describe() + "; log: " + chatReadFile(lab.file("alice.log")),
                           aliceEnd->success());

    const std::string aliceGot = chatReadFile(lab.file("alice.out")), bobGot = chatReadFile(lab.file("bob.out"));
    CPPUNIT_ASSERT_MESSAGE("alice received: " + firstDifference(bobText, aliceGot), aliceGot == bobText);
    CPPUNIT_ASSERT_MESSAGE("bob received: " + firstDifference(aliceText, bobGot), bobGot == aliceText);
    // Both connected through the transit node: bob's log names alice's address.
    CPPUNIT_ASSERT(chatReadFile(lab.file("bob.log")).find("chat with [") != std::string::npos);

    // Ctrl-C while waiting for a chat: a clean exit with status 130.
    std::ofstream(lab.file("carol.in"));
    Subprocess waiting = aliceNs.spawn({"sh", "-c", "exec " + chat("carol", toAlice, "--port 7778")},
                                       lab.file("carol.log").string());
    waitUntil("carol waits for a chat", 20000,
              [&] { return chatReadFile(lab.file("carol.log")).find("waiting for a chat") != std::string::npos; });
    waiting.signalGroup(SIGINT);
    const auto carolEnd = waiting.waitFor(10000);
    CPPUNIT_ASSERT_MESSAGE("carol ignored SIGINT; log: " + chatReadFile(lab.file("carol.log")), carolEnd.has_value());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(chatReadFile(lab.file("carol.log")), 130, carolEnd->code);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TinyChatTest);
