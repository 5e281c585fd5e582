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
               ProxyCounters& counters)
    : id_(id),
      client_(std::move(client)),
      handshake_(std::move(handshake)),
      resolveBy_(resolveBy),
      dialer_(dialer),
      settings_(settings),
      log_(std::move(log)),
      counters_(counters),
      clientLabel_(client_->label()),
      destinationLabel_(handshake_->request().destination.describe()) {
  counters_.activeTunnels.fetch_add(1);
}

Tunnel::~Tunnel() {
  join();
  counters_.activeTunnels.fetch_sub(1);
}

void Tunnel::start(std::function<void()> finished) {
  main_.start(sessionThreadName("socks", id_), [this, finished = std::move(finished)] {
    run();
    finished();
  });
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
  main_.join();
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
  if (!connect()) return;
  Conn& upstream = *upstream_;
  try {
    Endpoint bound = upstream.localEndpoint();
    replyToClient(handshake_->successReply(bound.address, bound.port));
    std::string early = handshake_->takeLeftover();
    if (!early.empty()) upstream.write(early.data(), early.size());
  } catch (const Error& e) {
    log_.info(clientLabel_, ": ", destinationLabel_, ": ", e.what());
    abort();
    return;
  }
  counters_.tunnels.fetch_add(1);
  if (settings_.verbose) log_.info(clientLabel_, ": ", handshake_->protocol(), " CONNECT ", destinationLabel_, " via ", upstreamAddress_);

  RelayResult up;
  try {
    writer_.start(sessionThreadName("sockw", id_), [this, &upstream, &up] {
      up = relayOneWay(*client_, upstream, idle_, settings_.idleTimeout, counters_.bytesUp);
    });
  } catch (const Error& e) {
    log_.warn(clientLabel_, ": ", destinationLabel_, ": ", e.what());
    abort();
    return;
  }
  RelayResult down = relayOneWay(upstream, *client_, idle_, settings_.idleTimeout, counters_.bytesDown);
  writer_.join();
  try {
    upstream.close();
  } catch (const Error&) {
    // Ended already.
  }
  client_->close();
  if (settings_.verbose || !up.clean || !down.clean) {
    auto how = [](const RelayResult& r) { return r.clean ? std::string("end of stream") : r.why; };
    const std::string summary = clientLabel_ + ": " + destinationLabel_ + ": closed, " + std::to_string(up.bytes) +
                                " bytes up (" + how(up) + "), " + std::to_string(down.bytes) + " bytes down (" + how(down) + ")";
    if (settings_.verbose) log_.info(summary);
    else log_.debug(summary);
  }
}

}  // namespace rtk::plugins::socks
