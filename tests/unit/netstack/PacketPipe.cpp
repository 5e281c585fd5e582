#include "PacketPipe.hpp"

#include <cstring>

namespace rtk::netstack::test {

Ip6Address testAddress(std::uint8_t n) {
  Ip6Address a;
  a.bytes[0] = 0x02;
  a.bytes[1] = 0x01;
  a.bytes[15] = n;
  return a;
}

void PipeEnd::writePacket(core::OffsetBytes packet) { pipe_.route(std::move(packet).take()); }

void PipeEnd::setPacketHandler(PacketHandler handler) {
  auto h = handler ? std::make_shared<const PacketHandler>(std::move(handler)) : nullptr;
  std::lock_guard lock(mutex_);
  handler_ = std::move(h);
}

Ip6Address PipeEnd::subnet() const {
  Ip6Address s;
  s.bytes[0] = 0x03;
  std::memcpy(s.bytes.data() + 1, address_.bytes.data() + 1, 7);
  return s;
}

void PipeEnd::inject(core::Bytes packet) {
  std::shared_ptr<const PacketHandler> h;
  {
    std::lock_guard lock(mutex_);
    h = handler_;
  }
  if (h) (*h)(std::move(packet));
}

bool PipeEnd::hasHandler() const {
  std::lock_guard lock(mutex_);
  return handler_ != nullptr;
}

PipeEnd& PacketPipe::addEnd(const Ip6Address& address, std::uint64_t mtu) {
  std::lock_guard lock(mutex_);
  ends_.push_back(std::make_unique<PipeEnd>(*this, address, mtu));
  return *ends_.back();
}

void PacketPipe::setLoss(double fraction) {
  std::lock_guard lock(mutex_);
  loss_ = fraction;
}

void PacketPipe::setTap(Tap tap) {
  auto t = tap ? std::make_shared<const Tap>(std::move(tap)) : nullptr;
  std::lock_guard lock(mutex_);
  tap_ = std::move(t);
}

void PacketPipe::route(core::Bytes packet) {
  PipeEnd* to = nullptr;
  std::shared_ptr<const Tap> tap;
  bool lose = false;
  {
    std::lock_guard lock(mutex_);
    tap = tap_;
    if (loss_ > 0) lose = std::uniform_real_distribution<double>(0, 1)(rng_) < loss_;
    if (packet.size() >= 40) {
      for (auto& end : ends_) {
        if (std::memcmp(end->address().bytes.data(), packet.data() + 24, 16) == 0) {
          to = end.get();
          break;
        }
      }
    }
  }
  if (tap) (*tap)(packet);
  if (lose || !to) {
    dropped_.fetch_add(1);
    return;
  }
  delivered_.fetch_add(1);
  to->inject(std::move(packet));
}

}  // namespace rtk::netstack::test
