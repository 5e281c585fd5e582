// The pathfinder against a scripted parent: R (our router) is the child of
// M (the root, scripted); D is a remote destination whose key the test holds
// so it can sign notifies for it.
#include <cppunit/extensions/HelperMacros.h>

#include "RouterTestSupport.hpp"
#include "core/wire/BloomFilter.hpp"
#include "core/wire/PathBroken.hpp"
#include "core/wire/PathLookup.hpp"
#include "core/wire/PathNotify.hpp"
#include "core/wire/Traffic.hpp"

using namespace rtk::test;
using namespace rtk::core;

namespace {
constexpr std::uint64_t kPortOnM = 7;

struct Fixture {
  std::vector<crypto::SigningKey> keys = sortedKeys(3);  // M, R, D
  std::atomic<int> notified{0};
  Inbox inbox;
  std::unique_ptr<Router> r;
  std::shared_ptr<ScriptedPeer> m;

  Fixture() {
    auto c = testConfig(keys[1]);
    c.pathThrottle = std::chrono::milliseconds(0);  // every lookup goes out: no timing in these tests
    c.queueDropDelay = std::chrono::minutes(1);     // nor congestion drops while the test thread reads
    c.pathNotify = [this](const rtk::PublicKey& k) {
      if (k == d()) ++notified;
    };
    r = std::make_unique<Router>(c);
    r->setTrafficHandler([this](const rtk::PublicKey& from, Bytes p) { inbox.add(from, std::move(p)); });
    m = makeScripted(keys[0]);
    m->connect(*r);
    const auto req = wire::SigReq::decode(ByteView(m->waitFor(PacketType::SigReq)).subspan(1));
    m->send(PacketType::Announce, m->rootAnnounce(1));
    m->send(PacketType::SigRes, m->respond(req, r->publicKey(), kPortOnM));
    CPPUNIT_ASSERT(eventually([&] { return r->getRootAndPath().second == std::vector<std::uint64_t>{kPortOnM}; }));
    // M says D is reachable through it.
    wire::BloomFilter b;
    b.add(d().bytes);
    m->send(PacketType::BloomFilter, b);
    r->getSelf();  // the bloom is handled
  }
  rtk::PublicKey d() const { return keys[2].publicKey(); }

  wire::PathLookup nextLookup() {
    for (;;) {
      auto l = wire::PathLookup::decode(ByteView(m->waitFor(PacketType::PathLookup)).subspan(1));
      if (l.dest == d()) return l;
    }
  }
  wire::PathNotify notify(std::uint64_t seq, wire::PortPath coords, bool goodSig = true) {
    wire::PathNotify n;
    n.path = {kPortOnM};
    n.source = d();
    n.dest = r->publicKey();
    n.info.seq = seq;
    n.info.path = std::move(coords);
    n.info.sign(keys[2]);
    if (!goodSig) n.info.sig[3] ^= 1;
    return n;
  }
  wire::Traffic nextTraffic() { return wire::Traffic::decode(ByteView(m->waitFor(PacketType::Traffic)).subspan(1)); }
  std::vector<rtk::PathEntry> paths() { return r->getPaths(); }
};
}  // namespace

class PathfinderTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PathfinderTest);
  CPPUNIT_TEST(trafficWaitsForAVerifiedNotifyThenFollowsTheNotifiedPath);
  CPPUNIT_TEST(onlyNewerNotifiesWithNewCoordinatesUpdateAPath);
  CPPUNIT_TEST(pathBrokenTriggersANewLookup);
  CPPUNIT_TEST(unsolicitedNotifiesAreIgnored);
  CPPUNIT_TEST(incomingTrafficIsDelivered);
  CPPUNIT_TEST(answersLookupsForItsOwnKey);
  CPPUNIT_TEST(aLookupThatReachedNobodyIsRetriedWhileItsPacketWaits);
  CPPUNIT_TEST_SUITE_END();

 public:
  void trafficWaitsForAVerifiedNotifyThenFollowsTheNotifiedPath() {
    Fixture f;
    f.r->sendTraffic(f.d(), Bytes{1, 2, 3});
    f.r->sendTraffic(f.d(), Bytes{4, 5, 6});  // the newest waiting packet replaces the older
    const auto lookup = f.nextLookup();
    CPPUNIT_ASSERT(lookup.source == f.r->publicKey());
    CPPUNIT_ASSERT((lookup.from == wire::PortPath{kPortOnM}));
    f.m->send(PacketType::PathNotify, f.notify(100, {3, 4}, false));  // bad signature
    f.r->getSelf();
    CPPUNIT_ASSERT(f.paths().empty());
    CPPUNIT_ASSERT_EQUAL(0, f.notified.load());
    f.m->send(PacketType::PathNotify, f.notify(100, {3, 4}));
    CPPUNIT_ASSERT(eventually([&] { return f.notified.load() == 1; }));
    auto paths = f.paths();
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), paths.size());
    CPPUNIT_ASSERT((paths[0].path == std::vector<std::uint64_t>{3, 4}));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(100), paths[0].sequence);
    const auto tr = f.nextTraffic();
    CPPUNIT_ASSERT((tr.path == wire::PortPath{3, 4}));
    CPPUNIT_ASSERT((tr.from == wire::PortPath{kPortOnM}));
    CPPUNIT_ASSERT(tr.source == f.r->publicKey() && tr.dest == f.d());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), tr.watermark);  // our own tree distance to [3 4]
    CPPUNIT_ASSERT((tr.payload == Bytes{4, 5, 6}));
    f.r->sendTraffic(f.d(), Bytes{7});
    CPPUNIT_ASSERT((f.nextTraffic().payload == Bytes{7}));
  }

  void onlyNewerNotifiesWithNewCoordinatesUpdateAPath() {
    Fixture f;
    f.r->sendLookup(f.d());
    f.nextLookup();
    f.m->send(PacketType::PathNotify, f.notify(100, {3, 4}));
    CPPUNIT_ASSERT(eventually([&] { return f.notified.load() == 1; }));
    f.r->sendTraffic(f.d(), Bytes{9, 9});
    f.nextTraffic();
    f.m->send(PacketType::PathNotify, f.notify(99, {5}));      // older
    f.m->send(PacketType::PathNotify, f.notify(101, {3, 4}));  // newer, same coordinates
    f.r->getSelf();
    CPPUNIT_ASSERT_EQUAL(1, f.notified.load());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(100), f.paths().at(0).sequence);
    f.m->send(PacketType::PathNotify, f.notify(102, {5}));
    CPPUNIT_ASSERT(eventually([&] { return f.notified.load() == 2; }));
    CPPUNIT_ASSERT((f.paths().at(0).path == std::vector<std::uint64_t>{5}));
    // ironwood re-sends the newest packet along the new path.
    const auto again = f.nextTraffic();
    CPPUNIT_ASSERT((again.path == wire::PortPath{5}));
    CPPUNIT_ASSERT((again.payload == Bytes{9, 9}));
  }

  void pathBrokenTriggersANewLookup() {
    Fixture f;
    f.r->sendLookup(f.d());
    f.nextLookup();
    f.m->send(PacketType::PathNotify, f.notify(100, {3, 4}));
    CPPUNIT_ASSERT(eventually([&] { return f.notified.load() == 1; }));
    f.m->clearFrames();
    f.m->send(PacketType::PathBroken, wire::PathBroken{{kPortOnM}, ~std::uint64_t{0}, f.r->publicKey(), f.d()});
    const auto lookup = f.nextLookup();
    CPPUNIT_ASSERT(lookup.source == f.r->publicKey());
    // A broken path is kept (and used) until a notify replaces it.
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), f.paths().size());
  }

  void unsolicitedNotifiesAreIgnored() {
    Fixture f;
    f.m->send(PacketType::PathNotify, f.notify(100, {3, 4}));  // we never looked D up
    f.r->getSelf();
    CPPUNIT_ASSERT(f.paths().empty());
    CPPUNIT_ASSERT_EQUAL(0, f.notified.load());
  }

  void incomingTrafficIsDelivered() {
    Fixture f;
    wire::Traffic tr;
    tr.path = {kPortOnM};
    tr.from = {3, 4};
    tr.source = f.d();
    tr.dest = f.r->publicKey();
    tr.payload = Bytes(1000, 0x5a);
    f.m->send(PacketType::Traffic, tr);
    CPPUNIT_ASSERT(eventually([&] { return f.inbox.has(f.d(), Bytes(1000, 0x5a)); }));
    // Traffic for a node we cannot get closer to: a path-broken goes back
    // towards the source's coordinates (here: through M).
    tr.dest = f.keys[0].publicKey();
    tr.path = {kPortOnM, 9};
    tr.source = f.d();
    tr.from = {};
    f.m->send(PacketType::Traffic, tr);
    const auto broken = wire::PathBroken::decode(ByteView(f.m->waitFor(PacketType::PathBroken)).subspan(1));
    CPPUNIT_ASSERT(broken.source == f.d());
    CPPUNIT_ASSERT(broken.path.empty());
  }

  void answersLookupsForItsOwnKey() {
    Fixture f;
    f.m->send(PacketType::PathLookup, wire::PathLookup{f.d(), f.r->publicKey(), {2}});
    const auto n = wire::PathNotify::decode(ByteView(f.m->waitFor(PacketType::PathNotify)).subspan(1));
    CPPUNIT_ASSERT(n.source == f.r->publicKey());
    CPPUNIT_ASSERT(n.dest == f.d());
    CPPUNIT_ASSERT((n.path == wire::PortPath{2}));
    CPPUNIT_ASSERT((n.info.path == wire::PortPath{kPortOnM}));
    CPPUNIT_ASSERT(n.check());
    const auto now = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                                    std::chrono::system_clock::now().time_since_epoch())
                                                    .count());
    CPPUNIT_ASSERT(n.info.seq + 5 >= now && n.info.seq <= now);  // seq is Unix seconds
  }

  // The first lookup finds no tree peer whose filter holds D (filters are
  // still spreading); the waiting packet makes it go out again once one
  // does, without new traffic (Pathfinder::retryPendingLookups).
  void aLookupThatReachedNobodyIsRetriedWhileItsPacketWaits() {
    Fixture f;
    f.m->send(PacketType::BloomFilter, wire::BloomFilter{});  // M no longer claims D
    f.r->getSelf();
    f.m->clearFrames();
    f.r->sendTraffic(f.d(), Bytes{1});
    f.r->getSelf();
    CPPUNIT_ASSERT(f.m->take(PacketType::PathLookup).empty());
    wire::BloomFilter b;
    b.add(f.d().bytes);
    f.m->send(PacketType::BloomFilter, b);
    const auto lookup = f.nextLookup();
    CPPUNIT_ASSERT(lookup.source == f.r->publicKey());
    f.m->send(PacketType::PathNotify, f.notify(100, {3, 4}));
    CPPUNIT_ASSERT((f.nextTraffic().payload == Bytes{1}));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PathfinderTest);
