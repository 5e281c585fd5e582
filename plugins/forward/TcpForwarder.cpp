#include "TcpForwarder.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "LoopErrors.hpp"
#include "ProxyHeader.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::plugins::forward {
namespace {

bool transientAcceptError(int err) {
  return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM || err == ECONNABORTED || err == EPERM ||
         err == EPROTO;
}

}  // namespace

TcpForwarder::TcpForwarder(ForwardContext& context, Mapping mapping)
    : ctx_(context), mapping_(std::move(mapping)), name_(mapping_.describe()) {
  try {
    if (mapping_.direction == Direction::LocalTcp) {
      hostListener_ = bindHost(mapping_.host, true);
    } else {
      yggListener_ = ctx_.network.listen("tcp", ":" + std::to_string(mapping_.ygg.port));
    }
  } catch (const Error& e) {
    throw Error(e.code(), name_ + ": " + e.what());
  }
}

TcpForwarder::~TcpForwarder() { stop(); }

void TcpForwarder::start() {
  acceptThread_.start("rtk-fwd-accept", [this] {
    try {
      if (hostListener_) acceptHostLoop();
      else acceptYggLoop();
    } catch (const std::exception& e) {
      Counters::add(counters_.terminalErrors);
      ctx_.log.error(name_, ": accepting stopped: ", e.what());
    }
  });
}

void TcpForwarder::stop() {
  if (yggListener_) yggListener_->close();
  acceptThread_.join();
  std::unique_lock lock(mutex_);
  for (auto& [id, relay] : relays_) relay->abort();
  allFinished_.wait(lock, [&] { return relays_.empty(); });
}

void TcpForwarder::acceptHostLoop() {
  LoopErrors errors;
  for (;;) {
    if (!waitReady(hostListener_.get(), POLLIN, std::nullopt, &ctx_.stopping)) return;
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    int fd = ::accept4(hostListener_.get(), reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      int err = errno;
      if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR) continue;
      auto pauseFor = errors.onError(errnoText(err), transientAcceptError(err));
      if (!pauseFor) {
        Counters::add(counters_.terminalErrors);
        ctx_.log.error(name_, ": accept keeps failing (", errnoText(err), "); this mapping stops accepting");
        return;
      }
      ctx_.log.warn(name_, ": accept: ", errnoText(err), "; retrying in ", pauseFor->count(), " ms");
      pause(ctx_.stopping, *pauseFor);
      continue;
    }
    errors.onSuccess();
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::string from = formatHostEndpoint(fromSockAddr(peer));
    admit(std::make_unique<HostStream>(Fd(fd)), from, dialYggdrasil());
  }
}

void TcpForwarder::acceptYggLoop() {
  LoopErrors errors;
  for (;;) {
    std::unique_ptr<Conn> conn;
    try {
      conn = yggListener_->accept();
    } catch (const Error& e) {
      if (e.code() == Errc::Closed || ctx_.stopping.woken()) return;
      auto pauseFor = errors.onError(e.what(), e.code() == Errc::Io);
      if (!pauseFor) {
        Counters::add(counters_.terminalErrors);
        ctx_.log.error(name_, ": accept keeps failing (", e.what(), "); this mapping stops accepting");
        return;
      }
      ctx_.log.warn(name_, ": accept: ", e.what(), "; retrying in ", pauseFor->count(), " ms");
      pause(ctx_.stopping, *pauseFor);
      continue;
    }
    errors.onSuccess();
    const Endpoint caller = conn->remoteEndpoint();
    const std::string from = formatEndpoint(caller);
    if (!mapping_.allowed.allows(caller.address)) {
      Counters::add(counters_.denied);
      conn->close();
      if (deniedWarning_.allow()) {
        auto key = ctx_.keyOf(caller.address);
        ctx_.log.warn(name_, ": refused ", from, key ? " (key " + key->hex() + ")" : std::string(" (key unknown)"),
                      ": not on this mapping's allow list");
      }
      continue;
    }
    admit(std::make_unique<YggStream>(std::move(conn)), from, dialHost(caller));
  }
}

void TcpForwarder::admit(std::unique_ptr<Stream> accepted, const std::string& from, TcpRelay::Dial dial) {
  Counters::add(counters_.accepted);
  if (ctx_.activeTcp.fetch_add(1) >= ctx_.settings.maxTcpConnections) {
    ctx_.activeTcp.fetch_sub(1);
    Counters::add(counters_.overLimit);
    accepted->close();
    if (overLimitWarning_.allow())
      ctx_.log.warn(name_, ": refused ", from, ": ", ctx_.settings.maxTcpConnections, " connections open (MaxTCPConnections)");
    return;
  }
  Counters::add(counters_.active);
  TcpRelay::Timeouts timeouts{ctx_.settings.tcpIdleTimeout, ctx_.settings.tcpCloseTimeout};
  auto relay = std::make_shared<TcpRelay>(std::move(accepted), name_ + " from " + from, timeouts, counters_, ctx_.log,
                                          &dialWarning_);
  std::uint64_t id;
  {
    std::lock_guard lock(mutex_);
    id = nextId_++;
    relays_.emplace(id, relay);
  }
  ctx_.log.debug(relay->name(), ": accepted");
  try {
    relay->start(std::move(dial), [this, id](const std::shared_ptr<TcpRelay>& r) { finished(id, r); });
  } catch (const Error& e) {
    ctx_.log.warn(relay->name(), ": ", e.what());
    relay->abort();
    Counters::sub(counters_.active);
    ctx_.activeTcp.fetch_sub(1);
    std::lock_guard lock(mutex_);
    relays_.erase(id);
    if (relays_.empty()) allFinished_.notify_all();
  }
}

void TcpForwarder::finished(std::uint64_t id, const std::shared_ptr<TcpRelay>& relay) {
  Counters::sub(counters_.active);
  ctx_.activeTcp.fetch_sub(1);
  ctx_.log.debug(relay->name(), ": closed");
  ctx_.reaper.retire(relay);
  std::lock_guard lock(mutex_);
  relays_.erase(id);
  if (relays_.empty()) allFinished_.notify_all();
}

TcpRelay::Dial TcpForwarder::dialYggdrasil() const {
  return [this] {
    DialOptions options;
    options.deadline = ForwardContext::after(ctx_.settings.dialTimeout);
    options.cancel = ctx_.cancel.token();
    return std::unique_ptr<Stream>(std::make_unique<YggStream>(ctx_.network.dial("tcp", formatEndpoint(mapping_.ygg), options)));
  };
}

TcpRelay::Dial TcpForwarder::dialHost(const Endpoint& caller) const {
  return [this, caller] {
    auto deadline = ForwardContext::after(ctx_.settings.dialTimeout);
    auto stream = std::make_unique<HostStream>(connectHost(mapping_.host, deadline, &ctx_.stopping));
    if (mapping_.proxyProtocol) {
      Endpoint us{ctx_.network.address(), mapping_.ygg.port};
      auto header = encodeProxyV2(caller, us, true, ctx_.keyOf(caller.address));
      stream->writeAll(header.data(), header.size(), deadline);
    }
    return std::unique_ptr<Stream>(std::move(stream));
  };
}

json::Value TcpForwarder::snapshot() const {
  auto o = counters_.toJson(true);
  o.set("kind", directionName(mapping_.direction));
  if (isRemote(mapping_.direction)) {
    o.set("listen", ":" + std::to_string(mapping_.ygg.port));
    o.set("mapped", formatHostEndpoint(mapping_.host));
    o.set("allow_list", static_cast<unsigned long long>(mapping_.allowed.size()));
    o.set("proxy_protocol", mapping_.proxyProtocol);
  } else {
    o.set("listen", formatHostEndpoint(mapping_.host));
    o.set("mapped", formatEndpoint(mapping_.ygg));
  }
  return o;
}

}  // namespace rtk::plugins::forward
