#include "UdpForwarder.hpp"

#include <vector>

#include "LoopErrors.hpp"
#include "UdpSession.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::plugins::forward {

UdpForwarder::UdpForwarder(ForwardContext& context, Mapping mapping)
    : ctx_(context), mapping_(std::move(mapping)), name_(mapping_.describe()) {
  try {
    if (mapping_.direction == Direction::LocalUdp) {
      front_ = std::make_unique<HostUdpFront>(bindHost(mapping_.host, false), ctx_.stopping);
    } else {
      front_ = std::make_unique<YggUdpFront>(ctx_.network.listenPacket("udp", ":" + std::to_string(mapping_.ygg.port)));
    }
  } catch (const Error& e) {
    throw Error(e.code(), name_ + ": " + e.what());
  }
}

UdpForwarder::~UdpForwarder() { stop(); }

void UdpForwarder::start() {
  receiveThread_.start("rtk-fwd-recv", [this] {
    try {
      receiveLoop();
    } catch (const std::exception& e) {
      Counters::add(counters_.terminalErrors);
      ctx_.log.error(name_, ": receiving stopped: ", e.what());
    }
  });
}

void UdpForwarder::stop() {
  front_->close();
  receiveThread_.join();
  std::unique_lock lock(mutex_);
  for (auto& [key, session] : sessions_) session->close();
  allEnded_.wait(lock, [&] { return sessions_.empty(); });
}

std::unique_ptr<DatagramUpstream> UdpForwarder::openUpstream() {
  if (mapping_.direction == Direction::LocalUdp) {
    DialOptions options;
    options.deadline = ForwardContext::after(ctx_.settings.dialTimeout);
    options.cancel = ctx_.cancel.token();
    return std::make_unique<YggUdpUpstream>(ctx_.network.dial("udp", formatEndpoint(mapping_.ygg), options));
  }
  return std::make_unique<HostUdpUpstream>(connectHostUdp(mapping_.host));
}

std::shared_ptr<UdpSession> UdpForwarder::sessionFor(const ClientAddress& from) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = sessions_.find(from.key); it != sessions_.end()) return it->second;
  }
  // Only this thread creates sessions, so nobody adds this key meanwhile.
  if (ctx_.activeUdp.fetch_add(1) >= ctx_.settings.maxUdpSessions) {
    ctx_.activeUdp.fetch_sub(1);
    Counters::add(counters_.overLimit);
    if (overLimitWarning_.allow())
      ctx_.log.warn(name_, ": dropped a datagram from ", from.key, ": ", ctx_.settings.maxUdpSessions,
                    " sessions open (MaxUDPSessions)");
    return nullptr;
  }
  std::unique_ptr<DatagramUpstream> upstream;
  try {
    upstream = openUpstream();
  } catch (const Error& e) {
    ctx_.activeUdp.fetch_sub(1);
    Counters::add(counters_.dialFailures);
    if (dialWarning_.allow()) ctx_.log.warn(name_, ": session for ", from.key, ": ", e.what());
    return nullptr;
  }
  UdpSession::Limits limits{ctx_.settings.udpTimeout, ctx_.settings.udpWriteTimeout, ctx_.maxPacket};
  auto session = std::make_shared<UdpSession>(from, std::move(upstream), *front_, limits, counters_);
  {
    std::lock_guard lock(mutex_);
    sessions_.emplace(from.key, session);
  }
  Counters::add(counters_.sessions);
  Counters::add(counters_.active);
  ctx_.log.debug(name_, ": session for ", from.key, " opened");
  try {
    session->start([this](const std::shared_ptr<UdpSession>& s) { sessionEnded(s); });
  } catch (const Error& e) {
    ctx_.log.warn(name_, ": session for ", from.key, ": ", e.what());
    session->close();
    Counters::sub(counters_.active);
    ctx_.activeUdp.fetch_sub(1);
    std::lock_guard lock(mutex_);
    sessions_.erase(from.key);
    if (sessions_.empty()) allEnded_.notify_all();
    return nullptr;
  }
  return session;
}

void UdpForwarder::sessionEnded(const std::shared_ptr<UdpSession>& session) {
  Counters::sub(counters_.active);
  ctx_.activeUdp.fetch_sub(1);
  ctx_.log.debug(name_, ": session for ", session->client().key, " ended");
  ctx_.reaper.retire(session);
  std::lock_guard lock(mutex_);
  if (auto it = sessions_.find(session->client().key); it != sessions_.end() && it->second == session) sessions_.erase(it);
  if (sessions_.empty()) allEnded_.notify_all();
}

void UdpForwarder::receiveLoop() {
  std::vector<std::uint8_t> buffer(ctx_.maxPacket + 1);
  LoopErrors errors;
  for (;;) {
    std::size_t length = 0;
    ClientAddress from;
    try {
      if (!front_->receive(buffer.data(), buffer.size(), length, from)) return;
    } catch (const Error& e) {
      auto pauseFor = errors.onError(e.what(), e.code() == Errc::Io);
      if (!pauseFor) {
        Counters::add(counters_.terminalErrors);
        ctx_.log.error(name_, ": receive keeps failing (", e.what(), "); this mapping stops");
        return;
      }
      ctx_.log.warn(name_, ": receive: ", e.what(), "; retrying in ", pauseFor->count(), " ms");
      pause(ctx_.stopping, *pauseFor);
      continue;
    }
    errors.onSuccess();
    if (length > ctx_.maxPacket) {
      Counters::add(counters_.oversize);
      continue;
    }
    if (mapping_.direction == Direction::RemoteUdp && !mapping_.allowed.allows(from.ygg.address)) {
      Counters::add(counters_.denied);
      if (deniedWarning_.allow()) {
        auto key = ctx_.keyOf(from.ygg.address);
        ctx_.log.warn(name_, ": refused a datagram from ", from.key,
                      key ? " (key " + key->hex() + ")" : std::string(" (key unknown)"), ": not on this mapping's allow list");
      }
      continue;
    }
    auto session = sessionFor(from);
    if (!session) {
      Counters::add(counters_.sessionDrops);
      continue;
    }
    session->forward(buffer.data(), length);
  }
}

json::Value UdpForwarder::snapshot() const {
  auto o = counters_.toJson(false);
  o.set("kind", directionName(mapping_.direction));
  if (isRemote(mapping_.direction)) {
    o.set("listen", ":" + std::to_string(mapping_.ygg.port));
    o.set("mapped", formatHostEndpoint(mapping_.host));
    o.set("allow_list", static_cast<unsigned long long>(mapping_.allowed.size()));
  } else {
    o.set("listen", formatHostEndpoint(mapping_.host));
    o.set("mapped", formatEndpoint(mapping_.ygg));
  }
  return o;
}

}  // namespace rtk::plugins::forward
