// Fuzzes the netstack's input path: each input is one IPv6 packet, handed
// to the handler the netstack installed on its PacketInterface, as the
// core does after a session delivered it. The destination address is set
// to the node's own (the core only hands over packets for it), so inputs
// reach lwIP's IPv6, TCP, UDP and ICMPv6 input. The node listens on TCP
// 38080 and UDP 38053 (the ports of the seed packets); whatever it answers
// goes to the fake core and is counted, accepted connections are closed.
//
// lwIP runs on its own thread: after handing a packet over, two round
// trips through that thread (opening a datagram socket is one) make sure
// the packet was processed before the next input, so a crash is reported
// with the input that caused it.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "core/ipv6/PacketInterface.hpp"
#include "core/util/BufferPool.hpp"
#include "netstack/Netstack.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/log.hpp"

namespace {

rtk::Ip6Address nodeAddress() {
  rtk::Ip6Address a;
  a.bytes[0] = 0x02;
  a.bytes[1] = 0x01;
  a.bytes[15] = 0x01;
  return a;
}

// The core's side of the PacketInterface: keeps the netstack's handler,
// counts what the netstack sends.
class FakeCore final : public rtk::core::ipv6::PacketInterface {
 public:
  void writePacket(rtk::core::OffsetBytes packet) override {
    if (packet.size() < 40 || (packet[0] >> 4) != 6) std::abort();  // lwIP sends whole IPv6 packets
    sent.fetch_add(1, std::memory_order_relaxed);
  }
  void setPacketHandler(PacketHandler handler) override {
    std::lock_guard lock(mutex_);
    handler_ = std::move(handler);
  }
  std::uint64_t mtu() const override { return 65535; }
  rtk::Ip6Address address() const override { return nodeAddress(); }
  rtk::Ip6Address subnet() const override {
    rtk::Ip6Address s;
    s.bytes[0] = 0x03;
    s.bytes[1] = 0x01;
    return s;
  }
  void deliver(rtk::core::Bytes packet) {
    PacketHandler h;
    {
      std::lock_guard lock(mutex_);
      h = handler_;
    }
    if (h) h(std::move(packet));
  }
  std::atomic<std::uint64_t> sent{0};

 private:
  std::mutex mutex_;
  PacketHandler handler_;
};

struct Fixture {
  Fixture() {
    tcp = stack.listen("tcp", ":38080");
    udp = stack.listenPacket("udp", ":38053");
  }
  ~Fixture() { stack.close(); }
  FakeCore core;
  rtk::netstack::Netstack stack{core, rtk::Log(std::make_shared<rtk::Logger>(rtk::Logger::stderrSink(), rtk::LogLevel::Error), "fuzz")};
  std::unique_ptr<rtk::Listener> tcp;
  std::unique_ptr<rtk::PacketConn> udp;
};

Fixture& fixture() {
  // The shared buffer pool is made first so that it is destroyed after the
  // fixture, whose netstack still returns buffers to it while closing.
  (void)rtk::core::BufferPool::shared();
  static Fixture f;
  return f;
}

}  // namespace

// lwIP's IPv6 reassembly links the fragments it holds through a packed
// helper written into each fragment's buffer, 4 bytes before the fragment
// header: an unaligned pointer, which LeakSanitizer does not follow by
// default, so every second fragment of a datagram looked leaked.
extern "C" const char* __lsan_default_options() { return "use_unaligned=1"; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Fixture& f = fixture();
  rtk::core::Bytes packet(data, data + size);
  if (packet.size() >= 40) {
    const auto own = nodeAddress();
    std::copy(own.bytes.begin(), own.bytes.end(), packet.begin() + 24);
  }
  f.core.deliver(std::move(packet));
  for (int i = 0; i < 2; ++i) f.stack.listenPacket("udp", ":0")->close();
  // Keep the queues from filling up: connections the packets opened are
  // taken and closed, datagrams read.
  try {
    for (;;) f.tcp->accept(rtk::Clock::now())->close();
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Timeout) std::abort();
  }
  try {
    std::uint8_t buf[2048];
    rtk::Endpoint from;
    f.udp->setReadDeadline(rtk::Clock::now());
    for (;;) f.udp->readFrom(buf, sizeof buf, from);
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Timeout) std::abort();
  }
  return 0;
}
