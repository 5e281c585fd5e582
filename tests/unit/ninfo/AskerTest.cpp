#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <set>
#include <thread>

#include "AskerTestSupport.hpp"
#include "FakeSigils.hpp"
#include "ninfo/Asker.hpp"
#include "ratatoskr/address.hpp"
#include "ratatoskr/net.hpp"

using namespace rtk;
using namespace rtk::test;
using ninfo::AskOptions;
using ninfo::Asker;

namespace {

constexpr const char* kAnswer = R"({"buildname":"yggdrasil","buildversion":"0.5.12","buildplatform":"linux",)"
                                R"("buildarch":"amd64","ratatoskr":"[motd] v0.1.0","motd":"hi","name":"n1"})";

// Paths a test can add while the asker polls (FakeNode's fields are plain).
class LatePaths final : public ninfo::Upstream {
 public:
  explicit LatePaths(ninfo::Upstream& inner) : inner_(inner) {}
  void add(const PublicKey& key) {
    std::lock_guard lock(mutex_);
    keys_.push_back(key);
  }
  void queryNodeInfo(const PublicKey& key, std::chrono::milliseconds timeout, Reply done) override {
    inner_.queryNodeInfo(key, timeout, std::move(done));
  }
  std::vector<PublicKey> knownKeys() override { return inner_.knownKeys(); }
  std::vector<PublicKey> pathKeys() override {
    std::lock_guard lock(mutex_);
    return keys_;
  }
  void sendLookup(const PublicKey& partialKey) override { inner_.sendLookup(partialKey); }

 private:
  ninfo::Upstream& inner_;
  std::mutex mutex_;
  std::vector<PublicKey> keys_;
};

std::string addressOf(const PublicKey& key) { return formatAddress(address::addressForKey(key)); }

}  // namespace

class AskerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AskerTest);
  CPPUNIT_TEST(thousandConcurrentAsksForOneKeyMakeOneFlight);
  CPPUNIT_TEST(resultCarriesSoftwareVersionSigilsAndExtra);
  CPPUNIT_TEST(sixtyFiveKeysAtOnceRefuseTheLastAsBusy);
  CPPUNIT_TEST(sixtyFiveAddressesAtOnceRefuseTheLastAsBusy);
  CPPUNIT_TEST(retriesUntilMaxAskTimeThenTimesOut);
  CPPUNIT_TEST(negativeRetryPauseMeansOneAttempt);
  CPPUNIT_TEST(unreadableAnswersEndTheFlightWithoutRetry);
  CPPUNIT_TEST(callerTimeoutDetachesOnlyThatCaller);
  CPPUNIT_TEST(abandonedFlightIsNotJoinedButReplacedWhenItsCallReturns);
  CPPUNIT_TEST(cancelledAskIsNeverAnswered);
  CPPUNIT_TEST(addressesResolveFromPeersSessionsAndPathsWithoutLookup);
  CPPUNIT_TEST(unknownAddressIsLookedUpUntilItsPathAppears);
  CPPUNIT_TEST(oneResolutionPerSubnetForManyHosts);
  CPPUNIT_TEST(unresolvableAddressFailsAtTheDeadline);
  CPPUNIT_TEST(closeEndsEveryAskWithClosed);
  CPPUNIT_TEST(badTargetsThrowAtOnce);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    node_ = std::make_unique<FakeNode>();
    upstream_ = std::make_unique<ninfo::NodeUpstream>(*node_, *node_, Log());
    catalog_ = std::make_unique<FakeCatalog>();
    motd_ = std::make_shared<KeysParser>("motd", std::vector<std::string>{"motd"});
    catalog_->add(motd_);
  }
  void tearDown() override {
    asker_.reset();
    upstream_.reset();
    node_.reset();
  }

  void thousandConcurrentAsksForOneKeyMakeOneFlight() {
    start();
    const PublicKey key = testKey(1);
    AskResults results;
    const std::vector<std::string> forms = {key.hex(), address::pkYggName(key), " " + key.hex() + " "};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 125; ++i) asker_->ask(forms[(t + i) % forms.size()], {}, results.callback());
      });
    }
    for (auto& t : threads) t.join();
    drain(*asker_);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), node_->pendingQueries());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), callsNamed(*node_, "queryRemote"));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1000), asker_->counters().asks);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), asker_->counters().keyFlights);
    node_->answerQueries([] { return replyWith(kAnswer, std::chrono::microseconds(1234)); });
    CPPUNIT_ASSERT(results.waitCount(1000));
    std::set<std::string> targets;
    for (const auto& r : results.all()) {
      CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error->what(), r.ok());
      CPPUNIT_ASSERT(r.value.key == key);
      CPPUNIT_ASSERT_EQUAL(std::int64_t(1234000), static_cast<std::int64_t>(r.value.rtt.count()));
      targets.insert(r.value.target);
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), targets.size());  // two forms after trimming; each caller keeps its own
    CPPUNIT_ASSERT_EQUAL(1, motd_->calls.load());         // read once for everybody
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), callsNamed(*node_, "queryRemote"));
  }

  void resultCarriesSoftwareVersionSigilsAndExtra() {
    start();
    AskResults results;
    asker_->ask(testKey(2).hex(), {}, results.callback());
    CPPUNIT_ASSERT(waitFor([&] { return node_->pendingQueries() == 1; }));
    auto call = node_->lastCall("queryRemote");
    CPPUNIT_ASSERT_EQUAL(std::to_string(static_cast<int>(RemoteQuery::NodeInfo)), call->args[0]);
    CPPUNIT_ASSERT_EQUAL(testKey(2).hex(), call->args[1]);
    CPPUNIT_ASSERT_EQUAL(std::string("6000"), call->args[2]);  // each call waits at most 6 s
    node_->answerQueries([] { return replyWith(kAnswer); });
    CPPUNIT_ASSERT(results.waitCount(1));
    const auto r = results.all().front();
    CPPUNIT_ASSERT(r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("v0.1.0"), r.value.version);
    CPPUNIT_ASSERT(r.value.software == (ninfo::Software{"yggdrasil", "0.5.12", "linux", "amd64"}));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"motd":{"motd":"hi"}})"), r.value.sigils.dump());
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"name":"n1"})"), r.value.extra.dump());
  }

  void sixtyFiveKeysAtOnceRefuseTheLastAsBusy() {
    options_.askRetryPause = std::chrono::milliseconds(-1);
    start();
    AskResults results;
    for (int i = 0; i < 64; ++i) asker_->ask(testKey(static_cast<std::uint8_t>(10 + i)).hex(), {}, results.callback());
    // More callers for keys already in flight cost no flight.
    for (int i = 0; i < 64; ++i) asker_->ask(testKey(static_cast<std::uint8_t>(10 + i)).hex(), {}, results.callback());
    asker_->ask(testKey(200).hex(), {}, results.callback());
    CPPUNIT_ASSERT(results.waitCount(1));
    auto busy = results.all().front();
    CPPUNIT_ASSERT(!busy.ok());
    CPPUNIT_ASSERT(busy.error->code() == Errc::Refused);
    CPPUNIT_ASSERT_MESSAGE(busy.error->what(), std::string(busy.error->what()).find("ninfo: busy: 64 keys") == 0);
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), node_->pendingQueries());
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), asker_->counters().keyFlightsNow);
    node_->answerQueries([] { return replyError(Errc::Timeout, "proto: no reply"); });
    CPPUNIT_ASSERT(results.waitCount(129));
    // Room again.
    asker_->ask(testKey(200).hex(), {}, results.callback());
    CPPUNIT_ASSERT(waitFor([&] { return node_->pendingQueries() == 1; }));
    asker_->close();  // while `results` lives
  }

  void sixtyFiveAddressesAtOnceRefuseTheLastAsBusy() {
    options_.maxLookupTime = std::chrono::milliseconds(-1);
    options_.lookupInterval = std::chrono::milliseconds(60000);
    start();
    AskResults results;
    for (int i = 0; i < 64; ++i) asker_->ask(addressOf(testKey(static_cast<std::uint8_t>(i))), {}, results.callback());
    drain(*asker_);
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), asker_->counters().addressFlightsNow);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), results.count());
    asker_->ask(addressOf(testKey(99)), {}, results.callback());
    CPPUNIT_ASSERT(results.waitCount(1));
    auto busy = results.all().front();
    CPPUNIT_ASSERT(busy.error && busy.error->code() == Errc::Refused);
    CPPUNIT_ASSERT_MESSAGE(busy.error->what(), std::string(busy.error->what()).find("64 addresses") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), callsNamed(*node_, "sendLookup"));
    asker_->close();  // while `results` lives
  }

  void retriesUntilMaxAskTimeThenTimesOut() {
    options_.maxAskTime = std::chrono::milliseconds(300);
    options_.askRetryPause = std::chrono::milliseconds(20);
    start();
    AskResults results;
    const auto started = std::chrono::steady_clock::now();
    asker_->ask(testKey(3).hex(), {}, results.callback());
    std::atomic<bool> stop{false};
    std::thread answerer([&] {
      while (!stop) {
        node_->answerQueries([] { return replyError(Errc::Timeout, "proto: getNodeInfo: no reply"); });
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
    const bool ended = results.waitCount(1, 10000);
    stop = true;
    answerer.join();
    CPPUNIT_ASSERT(ended);
    const auto r = results.all().front();
    const auto tookMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    std::printf("\n  retried for %lld ms, %llu calls\n", static_cast<long long>(tookMs),
                static_cast<unsigned long long>(asker_->counters().nodeInfoCalls));
    CPPUNIT_ASSERT(r.error && r.error->code() == Errc::Timeout);
    const std::string message = r.error->what();
    CPPUNIT_ASSERT_MESSAGE(message, message.find("ninfo: timed out asking " + testKey(3).hex()) == 0);
    CPPUNIT_ASSERT_MESSAGE(message, message.find("last: proto: getNodeInfo: no reply") != std::string::npos);
    CPPUNIT_ASSERT(asker_->counters().nodeInfoCalls >= 2);
    // No call was allowed to wait past the flight's deadline.
    for (const auto& c : node_->calls())
      if (c.name == "queryRemote") CPPUNIT_ASSERT_MESSAGE(c.args[2], std::stoi(c.args[2]) <= 300);
  }

  void negativeRetryPauseMeansOneAttempt() {
    options_.askRetryPause = std::chrono::milliseconds(-1);
    start();
    AskResults results;
    asker_->ask(testKey(4).hex(), {}, results.callback());
    CPPUNIT_ASSERT(waitFor([&] { return node_->pendingQueries() == 1; }));
    node_->answerQueries([] { return replyError(Errc::Timeout, "proto: no reply"); });
    CPPUNIT_ASSERT(results.waitCount(1));
    CPPUNIT_ASSERT(results.all().front().error->code() == Errc::Timeout);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), asker_->counters().nodeInfoCalls);
  }

  void unreadableAnswersEndTheFlightWithoutRetry() {
    start();
    AskResults results;
    asker_->ask(testKey(5).hex(), {}, results.callback());
    asker_->ask(testKey(5).hex(), {}, results.callback());
    CPPUNIT_ASSERT(waitFor([&] { return node_->pendingQueries() == 1; }));
    node_->answerQueries([] { return replyWith("[\"not\",\"an\",\"object\"]"); });
    CPPUNIT_ASSERT(results.waitCount(2));
    for (const auto& r : results.all()) CPPUNIT_ASSERT(r.error && r.error->code() == Errc::Protocol);
    asker_->ask(testKey(6).hex(), {}, results.callback());
    CPPUNIT_ASSERT(waitFor([&] { return node_->pendingQueries() == 1; }));
    node_->answerQueries([] { return replyWith("{\"big\":\"" + std::string(20000, 'x') + "\"}"); });
    CPPUNIT_ASSERT(results.waitCount(3));
    CPPUNIT_ASSERT(results.all().back().error->code() == Errc::MessageTooLarge);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), asker_->counters().nodeInfoCalls);
  }

  void callerTimeoutDetachesOnlyThatCaller() {
    start();
    AskResults quick, patient;
    asker_->ask(testKey(7).hex(), std::chrono::milliseconds(30), quick.callback());
    asker_->ask(testKey(7).hex(), {}, patient.callback());
    CPPUNIT_ASSERT(quick.waitCount(1));
    auto r = quick.all().front();
    CPPUNIT_ASSERT(r.error && r.error->code() == Errc::Timeout);
    CPPUNIT_ASSERT_MESSAGE(r.error->what(), std::string(r.error->what()).find("the caller's 30 ms") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), patient.count());
    node_->answerQueries([] { return replyWith(kAnswer); });
    CPPUNIT_ASSERT(patient.waitCount(1));
    CPPUNIT_ASSERT(patient.all().front().ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), quick.count());
  }

  void abandonedFlightIsNotJoinedButReplacedWhenItsCallReturns() {
    start();
    AskResults first, second;
    asker_->ask(testKey(8).hex(), std::chrono::milliseconds(20), first.callback());
    CPPUNIT_ASSERT(first.waitCount(1));
    // Its call is still out: the flight still counts, and a new caller waits for it.
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), asker_->counters().keyFlightsNow);
    asker_->ask(testKey(8).hex(), {}, second.callback());
    drain(*asker_);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), callsNamed(*node_, "queryRemote"));
    node_->answerQueries([] { return replyWith(R"({"stale":true})"); });
    CPPUNIT_ASSERT(waitFor([&] { return callsNamed(*node_, "queryRemote") == 2; }));
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), second.count());
    node_->answerQueries([] { return replyWith(R"({"fresh":true})"); });
    CPPUNIT_ASSERT(second.waitCount(1));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"fresh":true})"), second.all().front().value.extra.dump());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), asker_->counters().keyFlights);
  }

  void cancelledAskIsNeverAnswered() {
    start();
    AskResults cancelled, kept;
    auto id = asker_->ask(testKey(9).hex(), {}, cancelled.callback());
    asker_->ask(testKey(9).hex(), {}, kept.callback());
    CPPUNIT_ASSERT(waitFor([&] { return node_->pendingQueries() == 1; }));
    asker_->cancel(id);
    asker_->cancel(id);  // twice: no-op
    node_->answerQueries([] { return replyWith(kAnswer); });
    CPPUNIT_ASSERT(kept.waitCount(1));
    drain(*asker_);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), cancelled.count());
    // Cancelling every caller of a flight waiting for a retry ends it at once.
    options_.askRetryPause = std::chrono::milliseconds(60000);
    options_.maxAskTime = std::chrono::milliseconds(-1);
    start();
    auto lone = asker_->ask(testKey(10).hex(), {}, cancelled.callback());
    CPPUNIT_ASSERT(waitFor([&] { return node_->pendingQueries() == 1; }));
    node_->answerQueries([] { return replyError(Errc::Timeout, "no reply"); });
    CPPUNIT_ASSERT(waitFor([&] { return asker_->counters().keyFlightsNow == 1 && node_->pendingQueries() == 0; }));
    drain(*asker_);
    asker_->cancel(lone);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), asker_->counters().keyFlightsNow);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), cancelled.count());
  }

  void addressesResolveFromPeersSessionsAndPathsWithoutLookup() {
    const PublicKey peer = testKey(20), session = testKey(21), path = testKey(22), downPeer = testKey(23);
    PeerInfo up;
    up.up = true;
    up.key = peer;
    PeerInfo down;
    down.key = downPeer;  // a peer that is not up gives nothing
    node_->peers = {up, down};
    node_->sessions = {SessionEntry{session, 0, 0, {}}};
    node_->paths = {PathEntry{path, {1, 2}, 3}};
    start();
    AskResults results;
    asker_->ask("[" + addressOf(peer) + "]:8080", {}, results.callback());
    Ip6Address host = address::subnetForKey(session);
    host.bytes[15] = 0x42;
    asker_->ask(formatAddress(host), {}, results.callback());
    asker_->ask(addressOf(path), {}, results.callback());
    CPPUNIT_ASSERT(waitFor([&] { return node_->pendingQueries() == 3; }));
    std::set<std::string> asked;
    for (const auto& c : node_->calls())
      if (c.name == "queryRemote") asked.insert(c.args[1]);
    CPPUNIT_ASSERT(asked == (std::set<std::string>{peer.hex(), session.hex(), path.hex()}));
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), callsNamed(*node_, "sendLookup"));
    node_->answerQueries([] { return replyWith("{}"); });
    CPPUNIT_ASSERT(results.waitCount(3));
    for (const auto& r : results.all()) CPPUNIT_ASSERT(r.ok());
  }

  void unknownAddressIsLookedUpUntilItsPathAppears() {
    options_.lookupInterval = std::chrono::milliseconds(5);
    LatePaths late(*upstream_);
    start(late);
    const PublicKey far = testKey(30);
    const Ip6Address address = address::addressForKey(far);
    AskResults results;
    asker_->ask(formatAddress(address), {}, results.callback());
    CPPUNIT_ASSERT(waitFor([&] { return callsNamed(*node_, "sendLookup") >= 3; }));
    // Each lookup is for the partial key the address carries (yggdrasil's Address.GetKey()).
    CPPUNIT_ASSERT_EQUAL(address::partialKeyForAddress(address).key.hex(), node_->lastCall("sendLookup")->args[0]);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), callsNamed(*node_, "queryRemote"));
    late.add(testKey(31));  // someone else's path first
    late.add(far);
    CPPUNIT_ASSERT(waitFor([&] { return node_->pendingQueries() == 1; }));
    CPPUNIT_ASSERT_EQUAL(far.hex(), node_->lastCall("queryRemote")->args[1]);
    node_->answerQueries([] { return replyWith(R"({"name":"far"})"); });
    CPPUNIT_ASSERT(results.waitCount(1));
    CPPUNIT_ASSERT(results.all().front().ok());
    CPPUNIT_ASSERT(results.all().front().value.key == far);
    std::printf("\n  %zu lookups before the path appeared\n", callsNamed(*node_, "sendLookup"));
    asker_.reset();  // before `late`, which it polls
  }

  void oneResolutionPerSubnetForManyHosts() {
    options_.lookupInterval = std::chrono::milliseconds(60000);
    start();
    const PublicKey key = testKey(40);
    AskResults results;
    for (int i = 0; i < 100; ++i) {
      Ip6Address host = address::subnetForKey(key);
      host.bytes[14] = static_cast<std::uint8_t>(i);
      host.bytes[15] = 1;
      asker_->ask(formatAddress(host), {}, results.callback());
    }
    drain(*asker_);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), asker_->counters().addressFlights);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), callsNamed(*node_, "sendLookup"));
    CPPUNIT_ASSERT_EQUAL(address::partialKeyForSubnet(address::subnetForKey(key)).key.hex(),
                         node_->lastCall("sendLookup")->args[0]);
    asker_->close();  // while `results` lives
  }

  void unresolvableAddressFailsAtTheDeadline() {
    options_.lookupInterval = std::chrono::milliseconds(10);
    options_.maxLookupTime = std::chrono::milliseconds(250);
    start();
    AskResults results;
    const std::string target = addressOf(testKey(50));
    const auto started = std::chrono::steady_clock::now();
    asker_->ask(target, {}, results.callback());
    CPPUNIT_ASSERT(results.waitCount(1));
    const auto tookMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    const auto r = results.all().front();
    CPPUNIT_ASSERT(r.error && r.error->code() == Errc::NotFound);
    const std::string message = r.error->what();
    std::printf("\n  unresolvable after %lld ms: %s\n", static_cast<long long>(tookMs), message.c_str());
    CPPUNIT_ASSERT_MESSAGE(message, message.find("ninfo: cannot resolve " + target + ": no node") == 0);
    CPPUNIT_ASSERT(tookMs >= 250);  // not before its deadline
    // Polls at 10, 20, 40, 80, 160 ms (then the deadline), a lookup each.
    CPPUNIT_ASSERT(callsNamed(*node_, "sendLookup") >= 4);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), callsNamed(*node_, "queryRemote"));
  }

  void closeEndsEveryAskWithClosed() {
    options_.lookupInterval = std::chrono::milliseconds(60000);
    start();
    AskResults results;
    asker_->ask(testKey(60).hex(), {}, results.callback());
    asker_->ask(addressOf(testKey(61)), {}, results.callback());
    drain(*asker_);
    asker_->close();
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), results.count());
    for (const auto& r : results.all()) CPPUNIT_ASSERT(r.error && r.error->code() == Errc::Closed);
    try {
      asker_->ask(testKey(60).hex(), {}, results.callback());
      CPPUNIT_FAIL("ask after close");
    } catch (const Error& e) {
      CPPUNIT_ASSERT(e.code() == Errc::Closed);
    }
    // The late reply of the call that was out finds nobody.
    node_->answerQueries([] { return replyWith("{}"); });
    asker_->close();
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), results.count());
  }

  void badTargetsThrowAtOnce() {
    start();
    AskResults results;
    for (const std::string bad : {"", "example.com", "2001:db8::1", "abc.pk.ygg"}) {
      try {
        asker_->ask(bad, {}, results.callback());
        CPPUNIT_FAIL("accepted " + bad);
      } catch (const Error& e) {
        CPPUNIT_ASSERT(e.code() == Errc::InvalidArgument);
      }
    }
    drain(*asker_);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), results.count());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), asker_->counters().asks);
  }

 private:
  void start() { start(*upstream_); }
  void start(ninfo::Upstream& upstream) {
    asker_.reset();
    asker_ = std::make_unique<Asker>(upstream, *catalog_, options_, Log());
  }

  std::unique_ptr<FakeNode> node_;
  std::unique_ptr<ninfo::NodeUpstream> upstream_;
  std::unique_ptr<FakeCatalog> catalog_;
  std::shared_ptr<KeysParser> motd_;
  AskOptions options_;
  std::unique_ptr<Asker> asker_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(AskerTest);
