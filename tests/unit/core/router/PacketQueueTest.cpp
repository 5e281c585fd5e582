#include <cppunit/extensions/HelperMacros.h>

#include "core/router/PacketQueue.hpp"
#include "core/wire/Frame.hpp"

using namespace rtk::core;
using router::PacketQueue;
using router::QueuedPacket;

namespace {
rtk::PublicKey key(std::uint8_t b) {
  rtk::PublicKey k;
  k.bytes.fill(b);
  return k;
}
// A traffic packet from `src` to `dst` whose payload starts with `tag`.
QueuedPacket packet(std::uint8_t src, std::uint8_t dst, std::size_t payload, std::uint8_t tag) {
  wire::Traffic t;
  t.source = key(src);
  t.dest = key(dst);
  t.payload = Bytes(payload, tag);
  return t;
}
std::uint8_t tagOf(const PacketQueue::Entry& e) { return std::get<wire::Traffic>(e.packet).payload.view()[0]; }
PacketQueue::Clock::time_point at(int ms) { return PacketQueue::Clock::time_point(std::chrono::milliseconds(ms)); }
void push(PacketQueue& q, QueuedPacket p, int ms) {
  const auto size = router::packetSize(p);
  q.push(std::move(p), size, at(ms));
}
}  // namespace

class PacketQueueTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PacketQueueTest);
  CPPUNIT_TEST(popsInArrivalOrderAcrossFlows);
  CPPUNIT_TEST(dropsTheOldestOfTheLargestSourceInTheLargestDest);
  CPPUNIT_TEST(oldestTimeSkipsDroppedPackets);
  CPPUNIT_TEST(manyDropsKeepCountsAndOrder);
  CPPUNIT_TEST(framesCarryTypeAndLength);
  CPPUNIT_TEST_SUITE_END();

 public:
  void popsInArrivalOrderAcrossFlows() {
    PacketQueue q;
    push(q, packet(1, 10, 5, 'a'), 1);
    push(q, packet(2, 20, 5, 'b'), 2);
    push(q, packet(1, 10, 5, 'c'), 3);
    push(q, packet(3, 10, 5, 'd'), 4);
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), q.packets());
    std::string order;
    while (auto e = q.pop()) order.push_back(char(tagOf(*e)));
    CPPUNIT_ASSERT_EQUAL(std::string("abcd"), order);
    CPPUNIT_ASSERT(q.empty());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), q.bytes());
    CPPUNIT_ASSERT(!q.oldestTime());
  }

  void dropsTheOldestOfTheLargestSourceInTheLargestDest() {
    PacketQueue q;
    push(q, packet(1, 10, 100, 'a'), 1);  // dest 10: source 1 = 3 packets, source 2 = 1
    push(q, packet(2, 10, 100, 'b'), 2);
    push(q, packet(1, 10, 100, 'c'), 3);
    push(q, packet(3, 20, 250, 'd'), 4);  // dest 20: one larger packet, but less in total
    push(q, packet(1, 10, 100, 'e'), 5);
    CPPUNIT_ASSERT(q.dropOne());  // 'a': oldest of source 1 in dest 10
    CPPUNIT_ASSERT(q.dropOne());  // source 1 still the largest: 'c'
    CPPUNIT_ASSERT(q.dropOne());  // dest 10 = {b, e} still beats dest 20: 'b' or 'e' tie on size, both source sizes equal
    std::string order;
    while (auto e = q.pop()) order.push_back(char(tagOf(*e)));
    CPPUNIT_ASSERT(order == "de" || order == "bd");
    CPPUNIT_ASSERT(!q.dropOne());
  }

  void oldestTimeSkipsDroppedPackets() {
    PacketQueue q;
    push(q, packet(1, 10, 100, 'a'), 7);
    push(q, packet(2, 20, 10, 'b'), 9);
    CPPUNIT_ASSERT(at(7) == *q.oldestTime());
    CPPUNIT_ASSERT(q.dropOne());  // 'a'
    CPPUNIT_ASSERT(at(9) == *q.oldestTime());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), q.packets());
    CPPUNIT_ASSERT_EQUAL('b', char(tagOf(*q.pop())));
  }

  void manyDropsKeepCountsAndOrder() {
    PacketQueue q;
    // One heavy flow and two light ones; dropping must only ever hit the
    // heavy one while it is the largest.
    int t = 0;
    for (int i = 0; i < 3000; ++i) push(q, packet(1, 10, 20, std::uint8_t(i % 200)), ++t);
    for (int i = 0; i < 100; ++i) {
      push(q, packet(2, 20, 20, 'L'), ++t);
      push(q, packet(3, 30, 20, 'M'), ++t);
    }
    for (int i = 0; i < 2500; ++i) CPPUNIT_ASSERT(q.dropOne());
    CPPUNIT_ASSERT_EQUAL(std::size_t(700), q.packets());
    int heavy = 0, light = 0;
    std::uint8_t expect = std::uint8_t(2500 % 200);  // the heavy flow lost its 2500 oldest
    while (auto e = q.pop()) {
      const auto& tr = std::get<wire::Traffic>(e->packet);
      if (tr.source == key(1)) {
        CPPUNIT_ASSERT_EQUAL(int(expect), int(tagOf(*e)));
        expect = std::uint8_t((expect + 1) % 200);
        ++heavy;
        CPPUNIT_ASSERT_EQUAL(0, light);  // heavy packets were all older
      } else {
        ++light;
      }
    }
    CPPUNIT_ASSERT_EQUAL(500, heavy);
    CPPUNIT_ASSERT_EQUAL(200, light);
    // Reusable after draining and after clear().
    push(q, packet(5, 6, 1, 'z'), ++t);
    q.clear();
    CPPUNIT_ASSERT(q.empty() && !q.pop());
    push(q, packet(5, 6, 1, 'y'), ++t);
    CPPUNIT_ASSERT_EQUAL('y', char(tagOf(*q.pop())));
  }

  void framesCarryTypeAndLength() {
    const QueuedPacket p = packet(1, 2, 3, 'x');
    CPPUNIT_ASSERT(wire::PacketType::Traffic == router::packetType(p));
    Bytes out;
    router::appendPacketFrame(out, p);
    wire::FrameSplitter s;
    s.feed(out);
    auto f = s.next();
    CPPUNIT_ASSERT(f.has_value());
    CPPUNIT_ASSERT_EQUAL(router::packetSize(p) + 1, f->size());
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(wire::PacketType::Traffic), (*f)[0]);
    const wire::PathBroken b{{1}, 5, key(1), key(2)};
    CPPUNIT_ASSERT(wire::PacketType::PathBroken == router::packetType(QueuedPacket(b)));
    CPPUNIT_ASSERT(key(2) == router::packetDest(QueuedPacket(b)));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PacketQueueTest);
