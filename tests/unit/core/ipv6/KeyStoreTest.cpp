#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include "ratatoskr/address.hpp"
#include "core/ipv6/Icmpv6.hpp"
#include "core/ipv6/KeyStore.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::core;
namespace address = rtk::address;
using rtk::Ip6Address;
using rtk::PublicKey;
using ipv6::KeyStore;
using namespace std::chrono_literals;

namespace {

PublicKey key(std::uint8_t seed) {
  PublicKey k;
  for (std::size_t i = 0; i < k.bytes.size(); ++i) k.bytes[i] = static_cast<std::uint8_t>(seed * 31 + i * 17);
  return k;
}

Ip6Address hostInSubnet(const PublicKey& k, std::uint8_t host) {
  Ip6Address a = address::subnetForKey(k);
  a.bytes[15] = host;
  return a;
}

Bytes packet(const Ip6Address& src, const Ip6Address& dst, std::size_t size = 64, std::uint8_t tag = 0) {
  Bytes p(size, tag);
  p[0] = 0x60;
  p[4] = static_cast<std::uint8_t>((size - 40) >> 8);
  p[5] = static_cast<std::uint8_t>(size - 40);
  p[6] = 59;  // no next header
  p[7] = 64;
  std::copy(src.bytes.begin(), src.bytes.end(), p.begin() + 8);
  std::copy(dst.bytes.begin(), dst.bytes.end(), p.begin() + 24);
  return p;
}

Bytes traffic(Bytes p) {
  p.insert(p.begin(), 1);
  return p;
}

struct Harness {
  PublicKey self = key(1), remote = key(2), other = key(3);
  Ip6Address selfAddr = address::addressForKey(self), remoteAddr = address::addressForKey(remote);
  std::mutex m;
  std::vector<std::pair<PublicKey, Bytes>> sent;
  std::vector<PublicKey> lookups;
  std::vector<Bytes> delivered;
  std::shared_ptr<std::atomic<std::int64_t>> seconds = std::make_shared<std::atomic<std::int64_t>>(1000);
  std::unique_ptr<KeyStore> ks;

  explicit Harness(KeyStore::Options o) { init(std::move(o)); }
  Harness() { init(KeyStore::Options{}); }

  void init(KeyStore::Options o) {
    KeyStore::Hooks h;
    h.send = [this](const PublicKey& k, OffsetBytes msg) {
      std::lock_guard l(m);
      sent.emplace_back(k, std::move(msg).take());
    };
    h.sendLookup = [this](const PublicKey& k) {
      std::lock_guard l(m);
      lookups.push_back(k);
    };
    auto s = seconds;
    o.now = [s] { return KeyStore::Clock::time_point(std::chrono::seconds(s->load())); };
    ks = std::make_unique<KeyStore>(self, h, o, rtk::Log{});
    ks->setPacketHandler([this](OffsetBytes p) {
      std::lock_guard l(m);
      delivered.push_back(std::move(p).take());
    });
  }
  void advance(std::chrono::seconds d) { seconds->fetch_add(d.count()); }
};

}  // namespace

class KeyStoreTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(KeyStoreTest);
  CPPUNIT_TEST(unknownAddressBuffersAndLooksUp);
  CPPUNIT_TEST(pathNotifyFlushesTheNewestPacket);
  CPPUNIT_TEST(routesBySubnet);
  CPPUNIT_TEST(firstInboundPacketFlushes);
  CPPUNIT_TEST(outboundChecks);
  CPPUNIT_TEST(inboundChecks);
  CPPUNIT_TEST(entriesExpireAfterTwoIdleMinutes);
  CPPUNIT_TEST(mtuDefaultsAndClamps);
  CPPUNIT_TEST(oversizeInboundGetsPacketTooBig);
  CPPUNIT_TEST(tablesAreBounded);
  CPPUNIT_TEST(concurrentUseKeepsCountsConsistent);
  CPPUNIT_TEST_SUITE_END();

 public:
  void unknownAddressBuffersAndLooksUp() {
    Harness h;
    CPPUNIT_ASSERT(h.ks->address() == h.selfAddr);
    CPPUNIT_ASSERT(h.ks->subnet() == address::subnetForKey(h.self));
    h.ks->writePacket(packet(h.selfAddr, h.remoteAddr));
    CPPUNIT_ASSERT(h.sent.empty());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.lookups.size());
    CPPUNIT_ASSERT(h.lookups[0] == address::partialKeyForAddress(h.remoteAddr).key);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.ks->bufferedPackets());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), h.ks->counters().buffered);
  }

  void pathNotifyFlushesTheNewestPacket() {
    Harness h;
    h.ks->writePacket(packet(h.selfAddr, h.remoteAddr, 64, 0xaa));
    h.ks->writePacket(packet(h.selfAddr, h.remoteAddr, 80, 0xbb));
    h.ks->pathNotify(h.other);  // a key the packet is not for
    CPPUNIT_ASSERT(h.sent.empty());
    h.ks->pathNotify(h.remote);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.sent.size());
    CPPUNIT_ASSERT(h.sent[0].first == h.remote);
    CPPUNIT_ASSERT(h.sent[0].second == traffic(packet(h.selfAddr, h.remoteAddr, 80, 0xbb)));
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), h.ks->bufferedPackets());
    auto c = h.ks->counters();
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), c.bufferDrops);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), c.flushed);
    // Known now: straight out, no lookup.
    h.ks->writePacket(packet(h.selfAddr, h.remoteAddr));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), h.sent.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), h.lookups.size());
  }

  void routesBySubnet() {
    Harness h;
    Ip6Address dst = hostInSubnet(h.remote, 0x42);
    Ip6Address src = hostInSubnet(h.self, 0x01);  // from our subnet is fine too
    h.ks->writePacket(packet(src, dst));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.lookups.size());
    CPPUNIT_ASSERT(h.lookups[0] == address::partialKeyForSubnet(dst).key);
    h.ks->pathNotify(h.remote);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.sent.size());
    CPPUNIT_ASSERT(h.sent[0].second == traffic(packet(src, dst)));
    h.ks->writePacket(packet(src, hostInSubnet(h.remote, 0x43)));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), h.sent.size());
    CPPUNIT_ASSERT(h.sent[1].first == h.remote);
  }

  void firstInboundPacketFlushes() {
    Harness h;
    h.ks->writePacket(packet(h.selfAddr, h.remoteAddr, 64, 0x01));
    h.ks->handleMessage(h.remote, traffic(packet(h.remoteAddr, h.selfAddr, 72, 0x02)));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.sent.size());
    CPPUNIT_ASSERT(h.sent[0].second == traffic(packet(h.selfAddr, h.remoteAddr, 64, 0x01)));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.delivered.size());
    CPPUNIT_ASSERT(h.delivered[0] == packet(h.remoteAddr, h.selfAddr, 72, 0x02));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), h.ks->counters().received);
  }

  void outboundChecks() {
    Harness h;
    Bytes v4 = packet(h.selfAddr, h.remoteAddr);
    v4[0] = 0x45;
    h.ks->writePacket(v4);
    h.ks->writePacket(Bytes{});
    h.ks->writePacket(Bytes(39, 0x60));
    h.ks->writePacket(packet(h.remoteAddr, h.remoteAddr));                          // not our source
    Ip6Address linkLocal{};
    linkLocal.bytes[0] = 0xfe;
    linkLocal.bytes[1] = 0x80;
    h.ks->writePacket(packet(linkLocal, h.remoteAddr));                             // link-local source
    h.ks->writePacket(packet(h.selfAddr, linkLocal));                               // outside 200::/7
    Ip6Address v6{};
    v6.bytes[0] = 0x20;
    h.ks->writePacket(packet(h.selfAddr, v6));                                      // global unicast
    auto c = h.ks->counters();
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), c.notIpv6);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), c.tooShort);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), c.badSource);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), c.badDestination);
    CPPUNIT_ASSERT(h.sent.empty());
    CPPUNIT_ASSERT(h.lookups.empty());
  }

  void inboundChecks() {
    Harness h;
    h.ks->handleMessage(h.remote, Bytes{});
    h.ks->handleMessage(h.remote, Bytes({2, 0x60}));                                 // proto, not traffic
    h.ks->handleMessage(h.remote, traffic(Bytes(20, 0x60)));
    Bytes v4 = packet(h.remoteAddr, h.selfAddr);
    v4[0] = 0x40;
    h.ks->handleMessage(h.remote, traffic(v4));
    h.ks->handleMessage(h.remote, traffic(packet(h.remoteAddr, address::addressForKey(h.other))));  // not for us
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), h.ks->knownKeys());  // nothing learned from those
    h.ks->handleMessage(h.remote, traffic(packet(address::addressForKey(h.other), h.selfAddr)));    // spoofed source
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.ks->knownKeys());  // ipv6rwc learns the sender before the source check
    h.ks->handleMessage(h.remote, traffic(packet(hostInSubnet(h.remote, 9), hostInSubnet(h.self, 7))));
    auto c = h.ks->counters();
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), c.inNotTraffic);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), c.inTooShort);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), c.inNotIpv6);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), c.inBadDestination);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), c.inBadSource);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), c.received);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.delivered.size());
    h.ks->setPacketHandler({});
    h.ks->handleMessage(h.remote, traffic(packet(h.remoteAddr, h.selfAddr)));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), h.ks->counters().inNoHandler);
  }

  void entriesExpireAfterTwoIdleMinutes() {
    Harness h;
    h.ks->pathNotify(h.remote);
    h.advance(90s);
    h.ks->writePacket(packet(h.selfAddr, h.remoteAddr));  // used: expiry restarts
    h.advance(90s);
    h.ks->writePacket(packet(h.selfAddr, h.remoteAddr));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), h.sent.size());
    CPPUNIT_ASSERT(h.lookups.empty());
    h.advance(121s);
    h.ks->writePacket(packet(h.selfAddr, h.remoteAddr));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), h.sent.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.lookups.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), h.ks->knownKeys());
    // The buffered packet expires too.
    h.advance(121s);
    h.ks->pathNotify(h.other);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), h.ks->bufferedPackets());
    h.ks->pathNotify(h.remote);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), h.sent.size());
  }

  void mtuDefaultsAndClamps() {
    Harness h;
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1280), h.ks->mtu());
    h.ks->setMtu(9000);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(9000), h.ks->mtu());
    h.ks->setMtu(100);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1280), h.ks->mtu());
    h.ks->setMtu(1u << 20);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(65535), h.ks->mtu());
    KeyStore::Options o;
    o.maxMtuBytes = 1000;  // below the IPv6 minimum: ipv6rwc still ends at 1280
    Harness small(o);
    small.ks->setMtu(1300);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1280), small.ks->mtu());
    // Packets the session layer could not carry are dropped on the way out.
    small.ks->writePacket(packet(small.selfAddr, small.remoteAddr, 1001));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), small.ks->counters().tooLarge);
  }

  void oversizeInboundGetsPacketTooBig() {
    Harness h;
    h.ks->pathNotify(h.remote);
    Bytes big = packet(h.remoteAddr, h.selfAddr, 1400, 0x5a);
    h.ks->handleMessage(h.remote, traffic(big));
    CPPUNIT_ASSERT(h.delivered.empty());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.sent.size());
    CPPUNIT_ASSERT(h.sent[0].first == h.remote);
    CPPUNIT_ASSERT(h.sent[0].second == traffic(ipv6::Icmpv6::packetTooBig(big, 1280)));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), h.ks->counters().inTooBig);
    // At exactly the MTU it is delivered.
    h.ks->handleMessage(h.remote, traffic(packet(h.remoteAddr, h.selfAddr, 1280)));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.delivered.size());
    // A too-big packet that was not for us: the reply fails the source check.
    h.ks->handleMessage(h.remote, traffic(packet(h.remoteAddr, address::addressForKey(h.other), 1400)));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.sent.size());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), h.ks->counters().badSource);
    // To a sender we do not know yet, the reply waits for a lookup like any packet.
    Harness fresh;
    fresh.ks->handleMessage(fresh.remote, traffic(packet(fresh.remoteAddr, fresh.selfAddr, 1500)));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), fresh.lookups.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), fresh.ks->bufferedPackets());
  }

  void tablesAreBounded() {
    KeyStore::Options o;
    o.maxBufferedPackets = 2;
    o.maxKeys = 2;
    Harness h(o);
    for (std::uint8_t i = 10; i < 13; ++i) h.ks->writePacket(packet(h.selfAddr, address::addressForKey(key(i))));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), h.ks->bufferedPackets());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), h.ks->counters().bufferDrops);
    h.ks->pathNotify(key(10));  // the oldest buffer was the one dropped
    CPPUNIT_ASSERT(h.sent.empty());
    h.ks->pathNotify(key(11));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.sent.size());
    h.ks->pathNotify(key(12));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), h.ks->knownKeys());
    // key(10) was the least recently used: forgotten, so it needs a lookup again.
    h.ks->writePacket(packet(h.selfAddr, address::addressForKey(key(10))));
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), h.lookups.size());
    KeyStore::Options bytes;
    bytes.maxBufferedBytes = 200;
    Harness hb(bytes);
    hb.ks->writePacket(packet(hb.selfAddr, address::addressForKey(key(20)), 150));
    hb.ks->writePacket(packet(hb.selfAddr, address::addressForKey(key(21)), 150));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), hb.ks->bufferedPackets());
  }

  void concurrentUseKeepsCountsConsistent() {
    Harness h;
    h.ks->pathNotify(h.remote);
    std::atomic<bool> go{false};
    auto writer = [&] {
      while (!go) std::this_thread::yield();
      for (int i = 0; i < 2000; ++i) h.ks->writePacket(packet(h.selfAddr, h.remoteAddr));
    };
    auto reader = [&] {
      while (!go) std::this_thread::yield();
      for (int i = 0; i < 2000; ++i) {
        h.ks->handleMessage(h.remote, traffic(packet(h.remoteAddr, h.selfAddr)));
        h.ks->pathNotify(key(static_cast<std::uint8_t>(i)));
      }
    };
    std::thread t1(writer), t2(writer), t3(reader);
    go = true;
    t1.join();
    t2.join();
    t3.join();
    auto c = h.ks->counters();
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(4000), c.sent);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2000), c.received);
    CPPUNIT_ASSERT_EQUAL(std::size_t(4000), h.sent.size());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(KeyStoreTest);
