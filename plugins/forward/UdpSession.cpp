#include "UdpSession.hpp"

#include <vector>

#include "SteadyClock.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::plugins::forward {

UdpSession::UdpSession(ClientAddress client, std::unique_ptr<DatagramUpstream> upstream, DatagramFront& front,
                       Limits limits, Counters& counters)
    : client_(std::move(client)), upstream_(std::move(upstream)), front_(front), limits_(limits), counters_(counters) {
  touch();
}

UdpSession::~UdpSession() { thread_.join(); }

void UdpSession::touch() { lastActivityNs_.store(steadyNowNs(), std::memory_order_relaxed); }

bool UdpSession::expired() const {
  auto idleNs = steadyNowNs() - lastActivityNs_.load(std::memory_order_relaxed);
  return idleNs >= std::chrono::duration_cast<std::chrono::nanoseconds>(limits_.timeout).count();
}

void UdpSession::start(Ended ended) {
  ended_ = std::move(ended);
  thread_.start("rtk-fwd-udp", [this] { run(); });
}

bool UdpSession::forward(const std::uint8_t* data, std::size_t size) {
  try {
    upstream_->send(data, size, Clock::now() + limits_.writeTimeout);
  } catch (const Error&) {
    Counters::add(counters_.sessionDrops);
    return false;
  }
  touch();
  Counters::add(counters_.datagramsIn);
  Counters::add(counters_.bytesIn, size);
  return true;
}

void UdpSession::close() { upstream_->close(); }

void UdpSession::run() {
  std::vector<std::uint8_t> buffer(limits_.maxPacket + 1);
  for (;;) {
    std::optional<std::size_t> n;
    try {
      TimePoint last{std::chrono::nanoseconds(lastActivityNs_.load(std::memory_order_relaxed))};
      n = upstream_->receive(buffer.data(), buffer.size(), TimePoint(last + limits_.timeout));
    } catch (const std::exception&) {
      break;  // closed (stop, or the forwarder replaced us) or the socket failed
    }
    if (!n) {
      if (expired()) break;
      continue;
    }
    if (*n > limits_.maxPacket) {
      Counters::add(counters_.oversize);
      continue;
    }
    touch();
    if (!front_.reply(buffer.data(), *n, client_, Clock::now() + limits_.writeTimeout)) {
      Counters::add(counters_.reverseDrops);
      continue;
    }
    Counters::add(counters_.datagramsOut);
    Counters::add(counters_.bytesOut, *n);
  }
  upstream_->close();
  ended_(shared_from_this());
}

}  // namespace rtk::plugins::forward
