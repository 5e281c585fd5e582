#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/session/SessionManager.hpp"
#include "unit/core/crypto/TestVectors.hpp"
#include "unit/core/session/FakePacketNetwork.hpp"

using rtk::PublicKey;
using rtk::core::Bytes;
using rtk::core::ByteView;
using namespace rtk::core;
using namespace rtk::core::session;
using rtk::test::hex;
using rtk::test::keyFromHex;
using rtk::test::unhex;

namespace {

// One node of a transcript written by ironwood's own encrypted package
// (Debian's Go sources; README.md, "Wire compatibility evidence"), replayed
// through a real SessionManager: it gets the same inputs (writes, packets
// from the network, clock), draws the same box key pairs in the same order
// (the transcript lists them), and must then send byte for byte the packets
// Go sent and deliver exactly the messages Go delivered.
class NodeReplay {
 public:
  NodeReplay(const std::string& file, const std::string& node) : file_(file), node_(node) {
    rows_ = rtk::test::readVectors(file);
    for (auto& row : rows_) {
      if (row[0] == "node" && row[1] == node_) secret_ = row[2];
      if (row[0] == node_ && row[1] == "key") {
        crypto::BoxSecretKey s;
        s.bytes = rtk::test::unhexArray<32>(row[2]);
        keys_->push_back(crypto::BoxKeyPair::fromSecret(s));
      }
    }
    CPPUNIT_ASSERT_MESSAGE(file_ + ": no node " + node_, !secret_.empty());
  }

  // Returns the number of packets and messages checked.
  std::pair<int, int> run() {
    auto key = crypto::SigningKey::fromHex(secret_);
    auto manager = makeManager(key);
    int outs = 0, delivers = 0;
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      const auto& row = rows_[i];
      const std::string where = file_ + " line " + std::to_string(i) + " (" + row[0] + " " + row[1] + ")";
      if (row[0] == "*" && row[1] == "time") {
        nanos_->store(std::stoull(row[2]));
        continue;
      }
      if (row[0] != node_) continue;
      const std::string& what = row[1];
      if (what == "write") {
        manager->writeTo(keyFromHex(row[2]), unhex(row[3]));
        manager->sync();
      } else if (what == "recv") {
        network_->inject(keyFromHex(row[2]), unhex(row[3]));
        manager->sync();
        collect();
      } else if (what == "out") {
        collect();
        CPPUNIT_ASSERT_MESSAGE(where + ": Go sent a packet we did not", !sent_.empty());
        auto got = std::move(sent_.front());
        sent_.pop_front();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(where + ": destination", row[2], got.dest.hex());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(where + ": packet bytes", row[3], hex(ByteView(got.payload)));
        ++outs;
      } else if (what == "deliver") {
        std::lock_guard lock(*deliveredMutex_);
        CPPUNIT_ASSERT_MESSAGE(where + ": Go delivered a message we did not", !delivered_->empty());
        auto [from, msg] = std::move(delivered_->front());
        delivered_->pop_front();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(where + ": sender", row[2], from.hex());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(where + ": message", row[3] == "-" ? std::string() : row[3], hex(ByteView(msg)));
        ++delivers;
      } else if (what == "restart") {
        manager->close();
        manager.reset();
        collect();
        CPPUNIT_ASSERT_MESSAGE(where + ": we sent packets Go did not", sent_.empty());
        manager = makeManager(key);
      } else if (what == "setnonce") {
        manager->setSendNonceForTesting(keyFromHex(row[2]), std::stoull(row[3]));
      } else if (what == "key") {
        // consumed through newBoxKeys
      } else {
        CPPUNIT_FAIL(where + ": unknown event");
      }
      if (what != "out" && what != "deliver" && what != "key") checkNothingExtra(i, where);
    }
    manager->close();
    collect();
    CPPUNIT_ASSERT_MESSAGE(file_ + " " + node_ + ": we sent packets Go did not", sent_.empty());
    CPPUNIT_ASSERT_MESSAGE(file_ + " " + node_ + ": we delivered messages Go did not", delivered_->empty());
    CPPUNIT_ASSERT_MESSAGE(file_ + " " + node_ + ": Go drew more key pairs than we did", keys_->empty());
    CPPUNIT_ASSERT_MESSAGE(file_ + " " + node_ + ": " + (errors_->empty() ? "" : errors_->front()), errors_->empty());
    return {outs, delivers};
  }

 private:
  std::unique_ptr<SessionManager> makeManager(const crypto::SigningKey& key) {
    network_ = std::make_unique<rtk::test::CapturingNetwork>();
    SessionOptions o;
    auto nanos = nanos_;
    o.now = [nanos] { return SessionOptions::Clock::time_point(std::chrono::nanoseconds(nanos->load())); };
    o.unixSeconds = [nanos] { return nanos->load() / 1000000000ull; };
    auto keys = keys_;
    auto file = file_;
    o.newBoxKeys = [keys, file] {
      if (keys->empty()) throw rtk::Error(rtk::Errc::Unknown, file + ": we drew more key pairs than Go");
      auto k = keys->front();
      keys->pop_front();
      return k;
    };
    o.reactiveInitsPerSecond = 0;  // Go has no such limit
    auto errors = errors_;
    auto logger = std::make_shared<rtk::Logger>(
        [errors](rtk::LogLevel level, std::string_view, std::string_view text) {
          if (level >= rtk::LogLevel::Error) errors->push_back(std::string(text));
        },
        rtk::LogLevel::Error);
    auto m = std::make_unique<SessionManager>(key, *network_, rtk::Log(logger, "sessions"), o);
    auto delivered = delivered_;
    auto mutex = deliveredMutex_;
    m->setReceiveHandler([delivered, mutex](const PublicKey& from, OffsetBytes msg) {
      std::lock_guard lock(*mutex);
      delivered->emplace_back(from, std::move(msg).take());
    });
    return m;
  }
  void collect() {
    for (auto& p : network_->take()) sent_.push_back(std::move(p));
  }
  // After an input, everything we produced must be matched by the lines
  // that follow it before the next input.
  void checkNothingExtra(std::size_t i, const std::string& where) {
    collect();
    std::size_t outsAhead = 0, deliversAhead = 0;
    for (std::size_t j = i + 1; j < rows_.size(); ++j) {
      const auto& r = rows_[j];
      if (r[0] != node_) continue;
      if (r[1] == "out") ++outsAhead;
      else if (r[1] == "deliver") ++deliversAhead;
      else if (r[1] != "key") break;
    }
    CPPUNIT_ASSERT_EQUAL_MESSAGE(where + ": packets sent", outsAhead, sent_.size());
    std::lock_guard lock(*deliveredMutex_);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(where + ": messages delivered", deliversAhead, delivered_->size());
  }

  std::string file_, node_, secret_;
  std::vector<std::vector<std::string>> rows_;
  std::shared_ptr<std::deque<crypto::BoxKeyPair>> keys_ = std::make_shared<std::deque<crypto::BoxKeyPair>>();
  std::shared_ptr<std::atomic<std::uint64_t>> nanos_ = std::make_shared<std::atomic<std::uint64_t>>(0);
  std::unique_ptr<rtk::test::CapturingNetwork> network_;
  // Error lines the managers logged (written on their threads, read after close).
  std::shared_ptr<std::vector<std::string>> errors_ = std::make_shared<std::vector<std::string>>();
  std::deque<rtk::test::SentPacket> sent_;
  std::shared_ptr<std::mutex> deliveredMutex_ = std::make_shared<std::mutex>();
  std::shared_ptr<std::deque<std::pair<PublicKey, Bytes>>> delivered_ =
      std::make_shared<std::deque<std::pair<PublicKey, Bytes>>>();
};

std::pair<int, int> replay(const std::string& name, const std::vector<std::string>& nodes) {
  int outs = 0, delivers = 0;
  for (auto& n : nodes) {
    auto [o, d] = NodeReplay(std::string(RTK_SESSION_DATA) + "/" + name + ".txt", n).run();
    outs += o;
    delivers += d;
  }
  return {outs, delivers};
}

}  // namespace

class GoTranscriptTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(GoTranscriptTest);
  CPPUNIT_TEST(basicExchangeWithRotations);
  CPPUNIT_TEST(simultaneousOpen);
  CPPUNIT_TEST(bufferedMessagesKeepTheNewest);
  CPPUNIT_TEST(restartsSelfHeal);
  CPPUNIT_TEST(replaysAndReorderingAreDropped);
  CPPUNIT_TEST(garbageInput);
  CPPUNIT_TEST(nonceWrapAround);
  CPPUNIT_TEST(threeNodesWithLossDuplicationReorderingAndRestarts);
  CPPUNIT_TEST(ourTranscriptsThatGoReplayedIdentically);
  CPPUNIT_TEST_SUITE_END();

 public:
  void basicExchangeWithRotations() {
    auto [outs, delivers] = replay("basic", {"A", "B"});
    CPPUNIT_ASSERT(outs >= 85);
    CPPUNIT_ASSERT(delivers >= 80);
  }
  void simultaneousOpen() { CPPUNIT_ASSERT(replay("simultaneous", {"A", "B"}).second >= 10); }
  void bufferedMessagesKeepTheNewest() { CPPUNIT_ASSERT(replay("buffered", {"A", "B"}).second >= 3); }
  void restartsSelfHeal() { CPPUNIT_ASSERT(replay("restart", {"A", "B"}).second >= 15); }
  void replaysAndReorderingAreDropped() { CPPUNIT_ASSERT(replay("replay", {"A", "B"}).second >= 5); }
  void garbageInput() { CPPUNIT_ASSERT(replay("garbage", {"A", "B"}).first >= 15); }
  void nonceWrapAround() { CPPUNIT_ASSERT(replay("overflow", {"A", "B"}).second >= 6); }
  void threeNodesWithLossDuplicationReorderingAndRestarts() {
    for (auto name : {"crossfire1", "crossfire2", "crossfire3"}) {
      auto [outs, delivers] = replay(name, {"A", "B", "C"});
      CPPUNIT_ASSERT(outs >= 200);
      CPPUNIT_ASSERT(delivers >= 20);
    }
  }
  // cpp_crossfire*.txt were produced by SessionManager itself and replayed,
  // node by node, through ironwood's encrypted package, which sent and
  // delivered exactly the same bytes. Replaying them here pins our side.
  void ourTranscriptsThatGoReplayedIdentically() {
    for (auto name : {"cpp_crossfire1", "cpp_crossfire2"}) {
      auto [outs, delivers] = replay(name, {"A", "B", "C"});
      CPPUNIT_ASSERT(outs >= 200);
      CPPUNIT_ASSERT(delivers >= 18);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(GoTranscriptTest);
