#include <cppunit/extensions/HelperMacros.h>

#include <memory>
#include <thread>

#include "AskerTestSupport.hpp"
#include "FakeSigils.hpp"
#include "NinfoService.hpp"
#include "ratatoskr/services/ninfo.hpp"

using rtk::Errc;
using rtk::Error;
using rtk::Outcome;
using rtk::ninfo::AskResult;
using rtk::plugins::ninfo::NinfoService;
using rtk::sdk::NinfoClient;
using rtk::test::callsNamed;
using rtk::test::replyWith;
using rtk::test::testKey;
using rtk::test::waitFor;

namespace {

// Results of client callbacks, counted.
struct ClientResults {
  std::mutex mutex;
  std::vector<Outcome<AskResult>> got;
  NinfoClient::Callback callback() {
    return [this](Outcome<AskResult> r) {
      std::lock_guard lock(mutex);
      got.push_back(std::move(r));
    };
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return got.size();
  }
};

}  // namespace

// The service table as another plugin sees it: through the C boundary with
// rtk::sdk::NinfoClient.
class NinfoServiceTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NinfoServiceTest);
  CPPUNIT_TEST(closedUntilAttachedAndAfterDetach);
  CPPUNIT_TEST(resultCrossesAsJsonAndIsDecoded);
  CPPUNIT_TEST(errorsCrossWithStatusAndMessage);
  CPPUNIT_TEST(stoppingEndsAsksWithClosed);
  CPPUNIT_TEST(badTargetIsRefusedAtOnce);
  CPPUNIT_TEST(cancelledAskNeverCallsBack);
  CPPUNIT_TEST(destroyingTheClientCancelsWhatIsInFlight);
  CPPUNIT_TEST(blockingAskFromManyThreadsSharesOneFlight);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    node_ = std::make_unique<rtk::test::FakeNode>();
    upstream_ = std::make_unique<rtk::ninfo::NodeUpstream>(*node_, *node_, rtk::Log());
    asker_ = std::make_unique<rtk::ninfo::Asker>(*upstream_, catalog_, rtk::ninfo::AskOptions{}, rtk::Log());
    service_ = std::make_unique<NinfoService>();
  }
  void tearDown() override {
    service_->detach();
    asker_->close();
    service_->release();
  }

  void closedUntilAttachedAndAfterDetach() {
    NinfoClient client(*service_->table());
    ClientResults results;
    expectThrows(Errc::Closed, [&] { client.ask(testKey(1).hex(), {}, results.callback()); });
    service_->attach(*asker_);
    client.ask(testKey(1).hex(), {}, results.callback());
    service_->detach();
    expectThrows(Errc::Closed, [&] { client.ask(testKey(1).hex(), {}, results.callback()); });
    // The ask made before still reaches the asker: the client's destructor cancels it.
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), client.pending());
  }

  void resultCrossesAsJsonAndIsDecoded() {
    service_->attach(*asker_);
    NinfoClient client(*service_->table());
    ClientResults results;
    client.ask(testKey(2).hex() + ".PK.YGG", {}, results.callback());
    CPPUNIT_ASSERT(waitFor([&] { return node_->pendingQueries() == 1; }));
    node_->answerQueries([] {
      return replyWith(R"({"buildname":"ratatoskr","buildversion":"0.1.0","buildplatform":"linux","buildarch":"amd64",)"
                       R"("name":"x"})",
                       std::chrono::microseconds(4321));
    });
    CPPUNIT_ASSERT(waitFor([&] { return results.size() == 1; }));
    const auto& r = results.got.back();
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error->what(), r.ok());
    CPPUNIT_ASSERT_EQUAL(testKey(2).hex() + ".PK.YGG", r.value.target);
    CPPUNIT_ASSERT(r.value.key == testKey(2));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(4321000), static_cast<std::int64_t>(r.value.rtt.count()));
    CPPUNIT_ASSERT(r.value.software && r.value.software->name == "ratatoskr");
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"name":"x"})"), r.value.extra.dump());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), client.pending());
  }

  void errorsCrossWithStatusAndMessage() {
    service_->attach(*asker_);
    NinfoClient client(*service_->table());
    ClientResults results;
    client.ask(testKey(3).hex(), {}, results.callback());
    CPPUNIT_ASSERT(waitFor([&] { return node_->pendingQueries() == 1; }));
    node_->answerQueries([] { return replyWith("not json"); });
    CPPUNIT_ASSERT(waitFor([&] { return results.size() == 1; }));
    const auto& r = results.got.front();
    CPPUNIT_ASSERT(r.error && r.error->code() == Errc::Protocol);
    CPPUNIT_ASSERT_MESSAGE(r.error->what(), std::string(r.error->what()).find("ninfo: NodeInfo from " + testKey(3).hex() + " is not JSON") == 0);
  }

  void stoppingEndsAsksWithClosed() {
    service_->attach(*asker_);
    NinfoClient client(*service_->table());
    ClientResults results;
    client.ask(testKey(3).hex(), {}, results.callback());
    CPPUNIT_ASSERT(waitFor([&] { return node_->pendingQueries() == 1; }));
    service_->detach();
    asker_->close();
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), results.size());
    CPPUNIT_ASSERT(results.got.front().error->code() == Errc::Closed);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), client.pending());
  }

  void badTargetIsRefusedAtOnce() {
    service_->attach(*asker_);
    NinfoClient client(*service_->table());
    ClientResults results;
    expectThrows(Errc::InvalidArgument, [&] { client.ask("fe80::1", {}, results.callback()); });
    expectThrows(Errc::InvalidArgument, [&] { client.ask("node.example", {}, results.callback()); });
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), client.pending());
    rtk::test::drain(*asker_);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), results.size());
  }

  void cancelledAskNeverCallsBack() {
    service_->attach(*asker_);
    NinfoClient client(*service_->table());
    ClientResults results;
    auto id = client.ask(testKey(4).hex(), {}, results.callback());
    CPPUNIT_ASSERT(waitFor([&] { return node_->pendingQueries() == 1; }));
    client.cancel(id);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), client.pending());
    node_->answerQueries([] { return replyWith("{}"); });
    rtk::test::drain(*asker_);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), results.size());
  }

  void destroyingTheClientCancelsWhatIsInFlight() {
    service_->attach(*asker_);
    ClientResults results;
    {
      NinfoClient client(*service_->table());
      for (int i = 0; i < 10; ++i) client.ask(testKey(static_cast<std::uint8_t>(5 + i)).hex(), {}, results.callback());
      CPPUNIT_ASSERT_EQUAL(std::size_t(10), client.pending());
    }
    node_->answerQueries([] { return replyWith("{}"); });
    rtk::test::drain(*asker_);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), results.size());
  }

  void blockingAskFromManyThreadsSharesOneFlight() {
    service_->attach(*asker_);
    NinfoClient client(*service_->table());
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i) {
      threads.emplace_back([&] {
        auto r = client.ask(testKey(30).hex(), std::chrono::milliseconds(10000));
        if (r.key == testKey(30)) ok.fetch_add(1);
      });
    }
    CPPUNIT_ASSERT(waitFor([&] { return client.pending() == 16; }));
    rtk::test::drain(*asker_);
    node_->answerQueries([] { return replyWith("{}"); });
    for (auto& t : threads) t.join();
    CPPUNIT_ASSERT_EQUAL(16, ok.load());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), callsNamed(*node_, "queryRemote"));
  }

 private:
  template <class F>
  static void expectThrows(Errc code, F&& f) {
    try {
      f();
    } catch (const Error& e) {
      CPPUNIT_ASSERT_MESSAGE(e.what(), e.code() == code);
      return;
    }
    CPPUNIT_FAIL("no error");
  }

  rtk::test::FakeCatalog catalog_;
  std::unique_ptr<rtk::test::FakeNode> node_;
  std::unique_ptr<rtk::ninfo::NodeUpstream> upstream_;
  std::unique_ptr<rtk::ninfo::Asker> asker_;
  std::unique_ptr<NinfoService> service_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(NinfoServiceTest);
