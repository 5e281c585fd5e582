#include "core/multicast/Multicast.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

#include "core/link/PeerUri.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::multicast {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kMaxBeaconInterval{15};
constexpr std::size_t kDatagramsPerWake = 64;  // then the round timer gets a look in

// Go's url.QueryEscape.
std::string queryEscape(std::string_view in) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

// "tls://[fe80::1%eth0]:41234" → "[fe80::1%eth0]:41234"; the port after the last ':'.
std::string hostPortOf(const std::string& uri) {
  auto scheme = uri.find("://");
  std::string rest = scheme == std::string::npos ? uri : uri.substr(scheme + 3);
  return rest.substr(0, rest.find('?'));
}

std::uint16_t portOf(const std::string& hostPort) {
  auto colon = hostPort.rfind(':');
  if (colon == std::string::npos) return 0;
  try {
    return static_cast<std::uint16_t>(std::stoul(hostPort.substr(colon + 1)));
  } catch (const std::exception&) {
    return 0;
  }
}

const SelectedInterface* findByName(const std::vector<SelectedInterface>& all, const std::string& name) {
  for (const auto& s : all)
    if (s.os.name == name) return &s;
  return nullptr;
}

}  // namespace

Multicast::Multicast(MulticastSettings settings, link::LinkManager& links)
    : settings_(std::move(settings)),
      links_(links),
      log_(settings_.log),
      selector_(settings_.interfaces),
      socket_(settings_.group, settings_.port),
      guard_(settings_.maxDialsInFlight) {
  for (std::size_t i = 0; i < settings_.interfaces.size(); ++i)
    if (settings_.interfaces[i].password.size() > Beacon::kHashBytes)
      log_.warn("MulticastInterfaces[", i, "] (", settings_.interfaces[i].regex,
                "): Password is longer than 64 bytes; the entry is ignored");
  wake_ = link::UniqueFd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!wake_.valid()) throw Error(Errc::Io, std::string("multicast: eventfd: ") + std::strerror(errno));
  thread_.start("rtk-multicast", [this] { run(); });
  log_.info("multicast discovery started on [", settings_.group, "]:", settings_.port, " with ",
            settings_.interfaces.size(), " interface pattern(s)");
}

Multicast::~Multicast() {
  try {
    stop();
  } catch (const std::exception& e) {
    log_.warn("stopping: ", e.what());
  }
}

void Multicast::stop() {
  std::lock_guard lock(stopMutex_);
  if (stopping_.exchange(true)) return;
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
  thread_.join();
  for (auto& [name, l] : listening_) {
    try {
      links_.closeListener(l.listenerId);
    } catch (const Error& e) {
      log_.debug("closing the listener on ", name, ": ", e.what());  // the links may be stopped already
    }
  }
  listening_.clear();
  std::lock_guard published(publishedMutex_);
  published_.clear();
  log_.info("multicast discovery stopped");
}

std::vector<MulticastInterfaceInfo> Multicast::interfaces() const {
  std::lock_guard lock(publishedMutex_);
  return published_;
}

MulticastStats Multicast::stats() const {
  std::lock_guard lock(publishedMutex_);
  return stats_;
}

void Multicast::run() {
  std::mt19937 random{std::random_device{}()};
  std::uniform_int_distribution<int> jitterMicros(0, 1048575);
  auto nextRound = Clock::now();
  while (!stopping_.load()) {
    auto now = Clock::now();
    if (now >= nextRound) {
      try {
        announce();
      } catch (const std::exception& e) {
        log_.warn("announce round failed: ", e.what());
      }
      nextRound = Clock::now() + std::chrono::seconds(1) + std::chrono::microseconds(jitterMicros(random));
      continue;
    }
    auto waitMs = std::chrono::duration_cast<std::chrono::milliseconds>(nextRound - now).count() + 1;
    pollfd fds[2] = {{socket_.fd(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
    int ready = ::poll(fds, 2, static_cast<int>(waitMs));
    if (ready < 0 && errno != EINTR) {
      log_.error("poll: ", std::strerror(errno), "; multicast discovery stops");
      return;
    }
    if (ready > 0 && (fds[0].revents & POLLIN)) receiveAll();
  }
}

void Multicast::announce() {
  auto os = listNetInterfaces();
  selected_ = selector_.select(os);
  closeStaleListeners(selected_);
  for (const auto& s : selected_) {
    if (s.entry.listen && !s.os.linkLocal.empty()) socket_.join(s.os.index);
    if (!s.entry.beacon) continue;
    if (Listening* l = ensureListener(s)) sendBeaconIfDue(s, *l);
  }
  publish();
}

void Multicast::closeStaleListeners(const std::vector<SelectedInterface>& selected) {
  for (auto it = listening_.begin(); it != listening_.end();) {
    const SelectedInterface* s = findByName(selected, it->first);
    bool keep = s && s->entry.beacon &&
                std::find(s->os.linkLocal.begin(), s->os.linkLocal.end(), it->second.host) != s->os.linkLocal.end();
    if (keep) {
      ++it;
      continue;
    }
    try {
      links_.closeListener(it->second.listenerId);
    } catch (const Error& e) {
      log_.debug("closing the listener on ", it->first, ": ", e.what());
    }
    log_.info("no longer multicasting on ", it->first, " (", s ? "its address changed" : "the interface is gone", ")");
    it = listening_.erase(it);
  }
}

Multicast::Listening* Multicast::ensureListener(const SelectedInterface& s) {
  if (auto it = listening_.find(s.os.name); it != listening_.end()) return &it->second;
  for (const auto& host : s.os.linkLocal) {
    const std::string uri = "tls://[" + host + "%25" + s.os.name + "]:" + std::to_string(s.entry.port) +
                            "?password=" + queryEscape(s.entry.password) +
                            "&priority=" + std::to_string(s.entry.priority);
    try {
      link::ListenerInfo info = links_.listen(uri, s.os.name, true);
      Listening l;
      l.listenerId = info.id;
      l.host = host;
      l.address = hostPortOf(info.uri);
      l.port = portOf(l.address);
      lastErrors_.erase(s.os.name);
      log_.info("multicasting on ", s.os.name, ", links accepted on ", l.address);
      return &listening_.emplace(s.os.name, std::move(l)).first->second;
    } catch (const Error& e) {
      std::string& last = lastErrors_[s.os.name];
      if (last != e.what()) log_.warn("not multicasting on ", s.os.name, " due to error: ", e.what());
      last = e.what();
    }
  }
  return nullptr;
}

void Multicast::sendBeaconIfDue(const SelectedInterface& s, Listening& l) {
  auto now = Clock::now();
  if (now - l.lastBeacon < l.interval) return;
  Beacon beacon = Beacon::make(settings_.key, l.port, s.entry.password);
  try {
    socket_.send(s.os.index, beacon.encode());
    std::lock_guard lock(publishedMutex_);
    ++stats_.beaconsSent;
  } catch (const Error& e) {
    log_.warn("failed to send a beacon on ", s.os.name, ": ", e.what());
  }
  if (l.interval < kMaxBeaconInterval) l.interval += std::chrono::seconds(1);
  l.lastBeacon = now;
}

void Multicast::receiveAll() {
  for (std::size_t i = 0; i < kDatagramsPerWake && !stopping_.load(); ++i) {
    auto d = socket_.receive();
    if (!d) return;
    handle(*d);
  }
}

void Multicast::handle(const Datagram& d) {
  auto count = [this](std::uint64_t MulticastStats::*field) {
    std::lock_guard lock(publishedMutex_);
    ++stats_.datagramsReceived;
    if (field) ++(stats_.*field);
  };
  if (!d.toGroup) return count(&MulticastStats::malformed);
  Beacon beacon;
  try {
    if (d.size > d.bytes.size()) throw Error(Errc::Protocol, "beacon: " + std::to_string(d.size) + " bytes, expected 104");
    beacon = Beacon::decode(d.bytes);
  } catch (const Error& e) {
    log_.trace("from ", d.sourceHost, ": ", e.what());
    return count(&MulticastStats::malformed);
  }
  if (beacon.key == settings_.key) return count(&MulticastStats::ignored);
  const SelectedInterface* s = nullptr;
  for (const auto& candidate : selected_)
    if (candidate.os.index == d.interfaceIndex && candidate.entry.listen) s = &candidate;
  if (!s) return count(&MulticastStats::ignored);
  if (!beacon.matchesPassword(s->entry.password)) {
    log_.debug("beacon from ", beacon.key.hex(), " on ", s->os.name, ": the password does not match");
    return count(&MulticastStats::wrongPassword);
  }
  count(nullptr);
  dialBack(beacon, d, *s);
}

void Multicast::dialBack(const Beacon& b, const Datagram& d, const SelectedInterface& s) {
  auto verdict = guard_.check(b.key, links_.getPeers());
  if (verdict != DialGuard::Verdict::Dial) {
    log_.trace("beacon from ", b.key.hex(), " on ", s.os.name, ": ", verdictName(verdict));
    std::lock_guard lock(publishedMutex_);
    ++stats_.dialsRefused;
    return;
  }
  const std::string uri = "tls://[" + d.sourceHost + "%25" + s.os.name + "]:" + std::to_string(b.port) +
                          "?key=" + b.key.hex() + "&password=" + queryEscape(s.entry.password) +
                          "&priority=" + std::to_string(s.entry.priority);
  try {
    std::string identity = link::PeerUri::parse(uri, link::PeerUri::Purpose::Peer).identity();
    links_.callPeer(uri, s.os.name);
    guard_.started(b.key, std::move(identity));
    log_.debug("dialling ", b.key.hex(), " at [", d.sourceHost, "%", s.os.name, "]:", b.port);
    std::lock_guard lock(publishedMutex_);
    ++stats_.dials;
  } catch (const Error& e) {
    if (e.code() == Errc::AlreadyExists) log_.debug("beacon from ", b.key.hex(), ": ", e.what());
    else log_.warn("cannot dial ", b.key.hex(), " on ", s.os.name, ": ", e.what());
  }
}

void Multicast::publish() {
  std::vector<MulticastInterfaceInfo> out;
  for (const auto& s : selected_) {
    MulticastInterfaceInfo i;
    i.name = s.os.name;
    i.beacon = s.entry.beacon;
    i.listen = s.entry.listen;
    i.priority = s.entry.priority;
    i.hasPassword = !s.entry.password.empty();
    if (auto it = listening_.find(s.os.name); it != listening_.end()) {
      i.address = it->second.address;
      i.port = it->second.port;
    }
    out.push_back(std::move(i));
  }
  std::lock_guard lock(publishedMutex_);
  published_ = std::move(out);
}

}  // namespace rtk::core::multicast
