#include "core/link/PeerMonitor.hpp"

#include <algorithm>

#include "core/wire/WireTypes.hpp"

namespace rtk::core::link {

bool PeerMonitor::isSilent(std::uint8_t type) {
  return type == static_cast<std::uint8_t>(wire::PacketType::Dummy) ||
         type == static_cast<std::uint8_t>(wire::PacketType::KeepAlive);
}

void PeerMonitor::onSent(std::uint8_t frameType, Clock::time_point now) {
  keepAliveAt_.reset();
  // Once a deadline is set, later sends do not push it back (peers.go: "deadlined").
  if (readDeadline_ || isSilent(frameType)) return;
  readDeadline_ = now + timeout_;
}

void PeerMonitor::onReceived(std::uint8_t frameType, Clock::time_point now) {
  readDeadline_.reset();
  if (keepAliveAt_ || isSilent(frameType)) return;
  keepAliveAt_ = now + keepAliveDelay_;
}

std::optional<PeerMonitor::Clock::time_point> PeerMonitor::nextDeadline() const {
  if (keepAliveAt_ && readDeadline_) return std::min(*keepAliveAt_, *readDeadline_);
  if (keepAliveAt_) return keepAliveAt_;
  return readDeadline_;
}

}  // namespace rtk::core::link
