#include <cppunit/extensions/HelperMacros.h>

#include "RouterTestSupport.hpp"
#include "core/wire/BloomFilter.hpp"
#include "core/wire/PathLookup.hpp"
#include "core/wire/PathNotify.hpp"

using namespace rtk::test;
using namespace rtk::core;

namespace {
// Makes `router` the child of the scripted root `m` at `port`.
void adopt(Router& router, ScriptedPeer& m, std::uint64_t port) {
  m.connect(router);
  const auto req = wire::SigReq::decode(ByteView(m.waitFor(PacketType::SigReq)).subspan(1));
  m.send(PacketType::Announce, m.rootAnnounce(1));
  m.send(PacketType::SigRes, m.respond(req, router.publicKey(), port));
  const bool adopted = eventually([&] {
    auto [root, coords] = router.getRootAndPath();
    return root == m.publicKey() && coords == std::vector<std::uint64_t>{port};
  });
  CPPUNIT_ASSERT(adopted);
}

void expectProtocolError(ScriptedPeer& p, const Bytes& frame) {
  try {
    p.sendRaw(frame);
    CPPUNIT_FAIL("frame accepted");
  } catch (const rtk::Error& e) {
    CPPUNIT_ASSERT(e.code() == rtk::Errc::Protocol);
    CPPUNIT_ASSERT(std::string(e.what()).rfind("router: ", 0) == 0);
  }
}
}  // namespace

class RouterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RouterTest);
  CPPUNIT_TEST(startsAsItsOwnRoot);
  CPPUNIT_TEST(newLinkGetsSigReqAndBloomAndSigReqsAreAnswered);
  CPPUNIT_TEST(portsAreLowestFreeAndSharedPerKey);
  CPPUNIT_TEST(adoptsALowerKeyedPeerAsParentAndAnnouncesIt);
  CPPUNIT_TEST(answersAStaleAnnounceWithWhatItKnows);
  CPPUNIT_TEST(rejectsMalformedAndBadlySignedFrames);
  CPPUNIT_TEST(treeInfoFloodIsBounded);
  CPPUNIT_TEST(lookupFloodTowardsAStalledPeerIsBounded);
  CPPUNIT_TEST(stopClosesLinksAndRefusesNewOnes);
  CPPUNIT_TEST_SUITE_END();

 public:
  void startsAsItsOwnRoot() {
    auto key = seededKey(9);
    Router r(testConfig(key));
    auto [root, coords] = r.getRootAndPath();
    CPPUNIT_ASSERT(root == key.publicKey());
    CPPUNIT_ASSERT(coords.empty());
    auto tree = r.getTree();
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), tree.size());
    CPPUNIT_ASSERT(tree[0].parent == key.publicKey());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), tree[0].sequence);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), r.getSelf().routingEntries);
    // ironwood PacketConn.MTU for yggdrasil's 65535*2 message size
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(130993), r.mtu());
    CPPUNIT_ASSERT_THROW(Router(RouterConfig{}), rtk::Error);
  }

  void newLinkGetsSigReqAndBloomAndSigReqsAreAnswered() {
    auto keys = sortedKeys(2);
    Router r(testConfig(keys[0]));
    auto p = makeScripted(keys[1]);
    p->connect(r, 3);
    const auto req = wire::SigReq::decode(ByteView(p->waitFor(PacketType::SigReq)).subspan(1));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), req.seq);  // our info's seq + 1
    const auto bloom = wire::BloomFilter::decode(ByteView(p->waitFor(PacketType::BloomFilter)).subspan(1));
    CPPUNIT_ASSERT(wire::BloomFilter() == bloom);  // not on the tree yet: empty
    p->send(PacketType::SigReq, wire::SigReq{77, 1234});
    const auto res = wire::SigRes::decode(ByteView(p->waitFor(PacketType::SigRes)).subspan(1));
    CPPUNIT_ASSERT((wire::SigReq{77, 1234} == res.req));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), res.port);
    CPPUNIT_ASSERT(res.check(p->publicKey(), r.publicKey()));
    const auto info = p->endpoint->info();
    CPPUNIT_ASSERT(info.key == p->publicKey());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), info.port);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(3), info.priority);
  }

  void portsAreLowestFreeAndSharedPerKey() {
    auto keys = sortedKeys(4);
    Router r(testConfig(keys[0]));
    auto a1 = makeScripted(keys[1]), b = makeScripted(keys[2]), a2 = makeScripted(keys[1]), c = makeScripted(keys[3]);
    a1->connect(r);
    b->connect(r);
    a2->connect(r);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), a1->endpoint->info().port);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), b->endpoint->info().port);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), a2->endpoint->info().port);
    r.removePeer(b->endpoint);
    r.removePeer(b->endpoint);  // idempotent
    CPPUNIT_ASSERT(eventually([&] { return r.getPeers().size() == 2; }));
    c->connect(r);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), c->endpoint->info().port);
    auto self = makeScripted(keys[0]);
    CPPUNIT_ASSERT_THROW(self->connect(r), rtk::Error);
  }

  void adoptsALowerKeyedPeerAsParentAndAnnouncesIt() {
    auto keys = sortedKeys(2);
    Router r(testConfig(keys[1]));
    auto m = makeScripted(keys[0]);
    adopt(r, *m, 7);
    // R tells M where it now is: its own announce, parent M, port 7, and
    // both signatures good.
    bool announced = eventually([&] {
      for (auto& f : m->take(PacketType::Announce)) {
        auto ann = wire::Announce::decode(ByteView(f).subspan(1));
        if (ann.key == r.publicKey() && ann.parent == m->publicKey()) {
          CPPUNIT_ASSERT(ann.check());
          CPPUNIT_ASSERT_EQUAL(std::uint64_t(7), ann.res.port);
          return true;
        }
      }
      return false;
    });
    CPPUNIT_ASSERT(announced);
    // Now on the tree with M: M's filter from R holds R's key.
    bool bloomed = eventually([&] {
      for (auto& f : m->take(PacketType::BloomFilter))
        if (wire::BloomFilter::decode(ByteView(f).subspan(1)).test(r.publicKey().bytes)) return true;
      return false;
    });
    CPPUNIT_ASSERT(bloomed);
    auto tree = r.getTree();
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), tree.size());
    CPPUNIT_ASSERT(m->endpoint->info().cost >= 1);
  }

  void answersAStaleAnnounceWithWhatItKnows() {
    auto keys = sortedKeys(3);
    Router r(testConfig(keys[2]));
    auto m = makeScripted(keys[0]);  // a root R will hear about
    auto n = makeScripted(keys[1]);  // a peer repeating old news
    m->connect(r);
    n->connect(r);
    m->send(PacketType::Announce, m->rootAnnounce(5));
    CPPUNIT_ASSERT(eventually([&] { return r.getTree().size() == 2; }));
    n->clearFrames();
    n->send(PacketType::Announce, m->rootAnnounce(3));
    bool corrected = eventually([&] {
      for (auto& f : n->take(PacketType::Announce)) {
        auto ann = wire::Announce::decode(ByteView(f).subspan(1));
        if (ann.key == m->publicKey() && ann.res.req.seq == 5) return true;
      }
      return false;
    });
    CPPUNIT_ASSERT(corrected);
    for (auto& e : r.getTree())
      if (e.key == m->publicKey()) CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), e.sequence);
  }

  void rejectsMalformedAndBadlySignedFrames() {
    auto keys = sortedKeys(3);
    Router r(testConfig(keys[1]));
    auto p = makeScripted(keys[0]);
    p->connect(r);
    p->sendRaw(Bytes{std::uint8_t(PacketType::KeepAlive)});  // fine
    p->sendRaw(Bytes{std::uint8_t(PacketType::Dummy), 1, 2});  // fine
    expectProtocolError(*p, Bytes{});
    expectProtocolError(*p, Bytes{10});
    expectProtocolError(*p, Bytes{0xff, 1});
    expectProtocolError(*p, Bytes{std::uint8_t(PacketType::SigReq), 1});
    expectProtocolError(*p, Bytes{std::uint8_t(PacketType::SigReq), 1, 2, 3});
    expectProtocolError(*p, Bytes(wire::kMaxMessageSize + 1, std::uint8_t(PacketType::Traffic)));
    // A sigres signed for another node.
    auto other = seededKey(200);
    expectProtocolError(*p, frameOf(PacketType::SigRes, p->respond({2, 3}, other.publicKey(), 1)));
    // An announce with a broken signature, and one claiming port 0 under
    // another parent.
    auto ann = p->rootAnnounce(4);
    ann.sig[0] ^= 1;
    expectProtocolError(*p, frameOf(PacketType::Announce, ann));
    wire::Announce port0;
    port0.key = p->publicKey();
    port0.parent = keys[2].publicKey();
    port0.res.req = {1, 1};
    port0.res.port = 0;
    port0.res.psig = keys[2].sign(port0.res.bytesForSig(port0.key, port0.parent));
    port0.sig = p->key().sign(port0.res.bytesForSig(port0.key, port0.parent));
    expectProtocolError(*p, frameOf(PacketType::Announce, port0));
    // Trailing bytes after a good announce.
    Bytes good = frameOf(PacketType::Announce, p->rootAnnounce(4));
    good.push_back(0);
    expectProtocolError(*p, good);
    good.pop_back();
    p->sendRaw(good);
    CPPUNIT_ASSERT(eventually([&] { return r.getTree().size() == 2; }));
  }

  void treeInfoFloodIsBounded() {
    auto keys = sortedKeys(2);
    auto config = testConfig(keys[1]);
    config.limits.maxTreeInfos = 40;
    Router r(config);
    auto p = makeScripted(keys[0]);
    p->connect(r);
    for (int i = 0; i < 150; ++i) {
      auto k = rtk::core::crypto::SigningKey::generate();
      wire::Announce a;
      a.key = a.parent = k.publicKey();
      a.res.req = {1, std::uint64_t(i)};
      a.res.psig = k.sign(a.res.bytesForSig(a.key, a.parent));
      a.sig = a.res.psig;
      p->send(PacketType::Announce, a);
    }
    p->send(PacketType::SigReq, wire::SigReq{1, 1});  // still served after the flood
    p->waitFor(PacketType::SigRes);
    CPPUNIT_ASSERT(eventually([&] { return r.getSelf().routingEntries == 40; }));
    CPPUNIT_ASSERT_EQUAL(std::size_t(40), r.getTree().size());
  }

  void lookupFloodTowardsAStalledPeerIsBounded() {
    auto keys = sortedKeys(3);
    auto config = testConfig(keys[1]);
    config.limits.maxQueuedPackets = 100;
    Router r(config);
    auto m = makeScripted(keys[0]);  // parent, never reads
    adopt(r, *m, 4);
    // M claims to reach everything.
    wire::BloomFilter::Words ones;
    ones.fill(~std::uint64_t{0});
    m->send(PacketType::BloomFilter, wire::BloomFilter(ones));
    // A child C floods lookups; R forwards them up to M.
    auto c = makeScripted(keys[2]);
    c->connect(r);
    const auto req = wire::SigReq{9, 9};
    c->send(PacketType::SigReq, req);
    const auto res = wire::SigRes::decode(ByteView(c->waitFor(PacketType::SigRes)).subspan(1));
    wire::Announce child;
    child.key = c->publicKey();
    child.parent = r.publicKey();
    child.res = res;
    child.sig = c->key().sign(res.bytesForSig(child.key, child.parent));
    c->send(PacketType::Announce, child);
    m->pull();  // let M take what is queued so far, then stall
    auto before = m->take(PacketType::PathLookup).size();
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), before);
    // Wait until R treats C as a tree neighbour: its lookups get through.
    bool flowing = eventually([&] {
      c->send(PacketType::PathLookup, wire::PathLookup{c->publicKey(), seededKey(77).publicKey(), {4, 1}});
      return !m->take(PacketType::PathLookup).empty();
    });
    CPPUNIT_ASSERT(flowing);
    for (int i = 0; i < 5000; ++i) {
      rtk::PublicKey dest;
      dest.bytes[0] = std::uint8_t(i);
      dest.bytes[1] = std::uint8_t(i >> 8);
      c->send(PacketType::PathLookup, wire::PathLookup{c->publicKey(), dest, {4, 1}});
    }
    // A call into the router runs after every frame handed to it before.
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), r.getSelf().routingEntries);
    const auto got = m->take(PacketType::PathLookup).size();
    CPPUNIT_ASSERT(got > 0);
    CPPUNIT_ASSERT(got <= 100);
  }

  void stopClosesLinksAndRefusesNewOnes() {
    auto keys = sortedKeys(3);
    Router r(testConfig(keys[0]));
    auto p = makeScripted(keys[1]);
    p->connect(r);
    r.stop();
    CPPUNIT_ASSERT(p->closed());
    CPPUNIT_ASSERT(r.getTree().empty());
    CPPUNIT_ASSERT(r.getPeers().empty());
    auto q = makeScripted(keys[2]);
    try {
      q->connect(r);
      CPPUNIT_FAIL("addPeer after stop");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Closed);
    }
    p->sendRaw(frameOf(PacketType::SigReq, wire::SigReq{1, 2}));  // ignored, no crash
    r.sendTraffic(keys[1].publicKey(), Bytes(10, 1));
    r.stop();  // idempotent
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RouterTest);
