#include "server/Tunnel.hpp"

#include <cstdio>

namespace rtk::plugins::socks {

std::string sessionThreadName(const char* role, std::uint64_t id) {
  char name[16];
  std::snprintf(name, sizeof name, "rtk-%s-%llu", role, static_cast<unsigned long long>(id % 100000));
  return name;
}

Tunnel::Tunnel(std::uint64_t id, std::unique_ptr<SocketConn> client, std::unique_ptr<ClientHandshake> handshake,
               Deadline resolveBy, const UpstreamDialer& dialer, const ProxySettings& settings, Log log,
               ProxyCounters& counters, TunnelEngine engine)
    : id_(id),
      client_(std::move(client)),
      handshake_(std::move(handshake)),
      resolveBy_(resolveBy),
      dialer_(dialer),
      settings_(settings),
      log_(std::move(log)),
      counters_(counters),
      engine_(engine),
      clientLabel_(client_->label()),
      destinationLabel_(handshake_->request().destination.describe()) {
  counters_.activeTunnels.fetch_add(1);
}

Tunnel::~Tunnel() {
  join();
  counters_.activeTunnels.fetch_sub(1);
}

void Tunnel::start(std::function<void()> finished) {
  finished_ = std::move(finished);
  try {
    engine_.dials.submit([this] { run(); });
  } catch (const Error& e) {
    throw Error(Errc::Io, e.what());
  }
  std::lock_guard lock(mutex_);
  started_ = true;
}

void Tunnel::abort() noexcept {
  std::lock_guard lock(mutex_);
  aborted_ = true;
  cancel_.cancel();
  client_->abort();
  if (upstream_) {
    try {
      upstream_->abort();
    } catch (const std::exception&) {
      // It failed already; the relay ends either way.
    }
  }
}

void Tunnel::join() {
  {
    std::unique_lock lock(mutex_);
    // Never started (start threw): nothing runs for it.
    completed_.wait(lock, [this] { return complete_ || !started_; });
  }
  main_.join();
}

void Tunnel::complete() {
  try {
    if (upstream_) upstream_->close();
  } catch (const Error&) {
    // Ended already.
  }
  client_->close();
  std::function<void()> finished = std::move(finished_);
  {
    std::lock_guard lock(mutex_);
    complete_ = true;
    completed_.notify_all();  // under the lock: the tunnel may be destroyed once it is released
  }
  finished();
}

json::Value Tunnel::describe() const {
  json::Value v = json::Value::object();
  v.set("kind", std::string(handshake_->protocol()) == "http" ? "http-connect" : "connect");
  v.set("client", clientLabel_);
  v.set("destination", destinationLabel_);
  std::lock_guard lock(mutex_);
  if (!upstreamAddress_.empty()) v.set("address", upstreamAddress_);
  return v;
}

void Tunnel::replyToClient(const std::string& bytes) {
  client_->setWriteDeadline(Clock::now() + (settings_.handshakeTimeout.count() > 0 ? settings_.handshakeTimeout
                                                                                    : std::chrono::milliseconds(10000)));
  client_->write(bytes.data(), bytes.size());
}

bool Tunnel::connect() {
  const Destination& destination = handshake_->request().destination;
  std::unique_ptr<Conn> upstream;
  Ip6Address address;
  try {
    // Several addresses only for names the system resolver answers (SystemProxy): the first that connects wins.
    const std::vector<Ip6Address> candidates = dialer_.resolveAll(destination, resolveBy_);
    for (std::size_t i = 0; !upstream; ++i) {
      address = candidates[i];
      try {
        upstream = dialer_.dialTcp(address, destination.port, settings_.dialTimeout, cancel_.token());
      } catch (const DialFailure&) {
        if (i + 1 == candidates.size() || cancel_.cancelled()) throw;
      }
    }
  } catch (const DialFailure& f) {
    counters_.dialFailures.fetch_add(1);
    log_.info(clientLabel_, ": ", handshake_->protocol(), " CONNECT ", destinationLabel_, ": ", f.what(), " (reply: ",
              replyCodeName(f.code()), ")");
    try {
      replyToClient(handshake_->failureReply(f.code(), f.what()));
    } catch (const Error&) {
      // The client left already.
    }
    return false;
  }
  std::lock_guard lock(mutex_);
  upstream_ = std::move(upstream);
  upstreamAddress_ = formatIpPort(address, destination.port);
  if (aborted_) upstream_->abort();
  return !aborted_;
}

void Tunnel::run() {
  bool aborted;
  {
    std::lock_guard lock(mutex_);
    aborted = aborted_;
  }
  if (aborted || !connect()) {
    complete();
    return;
  }
  Conn& upstream = *upstream_;
  try {
    Endpoint bound = upstream.localEndpoint();
    replyToClient(handshake_->successReply(bound.address, bound.port));
    std::string early = handshake_->takeLeftover();
    if (!early.empty()) upstream.write(early.data(), early.size());
  } catch (const Error& e) {
    log_.info(clientLabel_, ": ", destinationLabel_, ": ", e.what());
    abort();
    complete();
    return;
  }
  counters_.tunnels.fetch_add(1);
  if (settings_.verbose) log_.info(clientLabel_, ": ", handshake_->protocol(), " CONNECT ", destinationLabel_, " via ", upstreamAddress_);
  if (!relayOnLoop()) relayOnThreads();
  // Nothing after this: the tunnel may already be complete and destroyed.
}

bool Tunnel::relayOnLoop() {
  RelaySide upstream{upstream_.get(), -1, false};
  if (auto* socket = dynamic_cast<SocketConn*>(upstream_.get())) {
    upstream.fd = socket->fd();  // a direct destination (SystemProxy): polled itself
  } else {
    try {
      upstream.fd = upstream_->readinessFd();
      upstream.eventfd = true;
    } catch (const Error& e) {
      if (e.code() != Errc::NotSupported) {
        log_.info(clientLabel_, ": ", destinationLabel_, ": ", e.what());
        abort();
        complete();
        return true;
      }
      return false;
    }
  }
  RelayTunnel t;
  t.client = RelaySide{client_.get(), client_->fd(), false};
  t.upstream = upstream;
  t.idle = settings_.idleTimeout;
  t.bytesUp = &counters_.bytesUp;
  t.bytesDown = &counters_.bytesDown;
  t.done = [this](const RelayResult& up, const RelayResult& down) {
    logEnd(up, down);
    complete();
  };
  try {
    engine_.relay.add(std::move(t));
  } catch (const Error& e) {
    log_.info(clientLabel_, ": ", destinationLabel_, ": ", e.what());
    abort();
    complete();
  }
  return true;
}

void Tunnel::relayOnThreads() {
  try {
    main_.start(sessionThreadName("socks", id_), [this] {
      Conn& upstream = *upstream_;
      RelayResult up;
      try {
        writer_.start(sessionThreadName("sockw", id_), [this, &upstream, &up] {
          up = relayOneWay(*client_, upstream, idle_, settings_.idleTimeout, counters_.bytesUp);
        });
      } catch (const Error& e) {
        log_.warn(clientLabel_, ": ", destinationLabel_, ": ", e.what());
        abort();
        complete();
        return;
      }
      RelayResult down = relayOneWay(upstream, *client_, idle_, settings_.idleTimeout, counters_.bytesDown);
      writer_.join();
      logEnd(up, down);
      complete();
    });
  } catch (const Error& e) {
    log_.warn(clientLabel_, ": ", destinationLabel_, ": ", e.what());
    abort();
    complete();
  }
}

void Tunnel::logEnd(const RelayResult& up, const RelayResult& down) {
  if (settings_.verbose || !up.clean || !down.clean) {
    auto how = [](const RelayResult& r) { return r.clean ? std::string("end of stream") : r.why; };
    const std::string summary = clientLabel_ + ": " + destinationLabel_ + ": closed, " + std::to_string(up.bytes) +
                                " bytes up (" + how(up) + "), " + std::to_string(down.bytes) + " bytes down (" + how(down) + ")";
    if (settings_.verbose) log_.info(summary);
    else log_.debug(summary);
  }
}

}  // namespace rtk::plugins::socks
