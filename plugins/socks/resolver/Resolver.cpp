#include "resolver/Resolver.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "protocol/Destination.hpp"
#include "ratatoskr/address.hpp"

namespace rtk::plugins::socks {

namespace {

constexpr auto kNegativeTtl = std::chrono::seconds(3);
constexpr std::size_t kMaxNameBytes = 253;
constexpr std::size_t kMaxLabelBytes = 63;

std::string quote(std::string_view name) { return "\"" + std::string(name) + "\""; }

[[noreturn]] void refuseName(std::string_view name, const std::string& why) {
  throw Error(Errc::InvalidArgument, "resolver: " + quote(name) + ": " + why);
}

std::optional<Ip6Address> ipLiteral(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.find('%') != std::string_view::npos) return std::nullopt;  // no zones: not a routable destination
  if (auto a = parseAddress(text)) return a;
  in_addr v4;
  if (::inet_pton(AF_INET, std::string(text).c_str(), &v4) != 1) return std::nullopt;
  Ip6Address mapped;
  mapped.bytes[10] = mapped.bytes[11] = 0xff;
  std::memcpy(mapped.bytes.data() + 12, &v4.s_addr, 4);
  return mapped;
}

Ip6Address pkYggAddress(std::string_view name) {
  std::string_view rest = name;
  if (rest.back() == '.') rest.remove_suffix(1);
  rest.remove_suffix(address::kPkYggSuffix.size());
  if (rest.find('.') != std::string_view::npos)
    refuseName(name, "subdomains of a .pk.ygg name are not supported (expected <64 hex digits>.pk.ygg)");
  try {
    return address::addressForKey(address::keyFromPkYggName(name));
  } catch (const Error& e) {
    throw Error(Errc::InvalidArgument, std::string("resolver: ") + e.what());
  }
}

// Lower case, one trailing dot removed, RFC 1035 lengths.
std::string dnsName(std::string_view name) {
  std::string n(name);
  if (!n.empty() && n.back() == '.') n.pop_back();
  if (n.empty()) refuseName(name, "empty name");
  if (n.size() > kMaxNameBytes) refuseName(name, "longer than " + std::to_string(kMaxNameBytes) + " characters");
  std::size_t labelStart = 0;
  for (std::size_t i = 0; i <= n.size(); ++i) {
    if (i == n.size() || n[i] == '.') {
      if (i == labelStart) refuseName(name, "an empty label");
      if (i - labelStart > kMaxLabelBytes) refuseName(name, "a label longer than 63 characters");
      labelStart = i + 1;
      continue;
    }
    const auto c = static_cast<unsigned char>(n[i]);
    if (c <= 0x20 || c == 0x7f) refuseName(name, "spaces or control characters");
    n[i] = static_cast<char>(std::tolower(c));
  }
  return n;
}

}  // namespace

Endpoint parseNameserver(std::string_view text) {
  auto fail = [&](const std::string& why) -> Endpoint {
    throw Error(Errc::InvalidArgument, "resolver: Nameserver \"" + std::string(text) + "\": " + why);
  };
  Endpoint e;
  e.port = 53;
  std::string_view host = text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return fail("unterminated '['");
    host = text.substr(1, close - 1);
    std::string_view after = text.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':' || after.size() == 1) return fail("expected \"[ipv6]:port\"");
      unsigned long port = 0;
      for (char c : after.substr(1)) {
        if (c < '0' || c > '9' || port > 65535) return fail("the port is not a number from 1 to 65535");
        port = port * 10 + static_cast<unsigned>(c - '0');
      }
      if (port == 0 || port > 65535) return fail("the port is not a number from 1 to 65535");
      e.port = static_cast<std::uint16_t>(port);
    }
  }
  auto a = parseAddress(host);
  if (!a || host.find('%') != std::string_view::npos)
    return fail("expected an IPv6 address of the Yggdrasil network: \"[200:…]:53\" or a bare \"200:…\"");
  if (!a->isYggdrasil()) return fail("not inside 200::/7: the nameserver is reached over Yggdrasil");
  e.address = *a;
  return e;
}

Resolver::Resolver(NetworkInterface& network, ResolverSettings settings)
    : network_(network),
      settings_(std::move(settings)),
      cache_(settings_.cacheTtl.count() > 0 ? settings_.cacheMaxEntries : 0) {
  if (settings_.nameserver) dns_.emplace(network_, *settings_.nameserver);
}

Resolver::~Resolver() { close(); }

void Resolver::close() {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    cache_.clear();
  }
  closing_.cancel();
}

Resolver::Stats Resolver::stats() const {
  std::lock_guard lock(mutex_);
  Stats s = stats_;
  s.cacheEntries = cache_.size();
  s.inFlight = flights_.size();
  return s;
}

Ip6Address Resolver::resolve(std::string_view name, Deadline deadline) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) throw Error(Errc::Closed, "resolver: closed");
  }
  if (name.empty()) refuseName(name, "empty name");
  if (address::isPkYggName(name)) return pkYggAddress(name);
  if (auto literal = ipLiteral(name)) return *literal;
  std::string normalized = dnsName(name);
  if (!dns_)
    throw Error(Errc::NotFound, "resolver: " + quote(name) +
                                    ": no Nameserver configured (only <key>.pk.ygg names and IP literals resolve)");
  return lookup(normalized, deadline);
}

Ip6Address Resolver::lookup(const std::string& name, Deadline deadline) {
  std::unique_lock lock(mutex_);
  if (auto cached = cache_.get(name, Clock::now())) {
    ++stats_.cacheHits;
    if (cached->found) return cached->address;
    throw Error(cached->code, cached->error);
  }
  std::shared_ptr<Flight> flight;
  bool leader = false;
  if (auto it = flights_.find(name); it != flights_.end()) {
    flight = it->second;
    ++stats_.coalesced;
  } else {
    if (flights_.size() >= settings_.maxLookupsInFlight)
      throw Error(Errc::Refused, "resolver: " + quote(name) + ": " + std::to_string(flights_.size()) +
                                     " lookups in flight already, try again later");
    flight = std::make_shared<Flight>();
    flights_.emplace(name, flight);
    leader = true;
    ++stats_.lookups;
  }

  if (leader) {
    lock.unlock();
    TimePoint until = Clock::now() + settings_.lookupTimeout;
    if (deadline && *deadline < until) until = *deadline;
    CachedAnswer answer = ask(name, until);
    lock.lock();
    flight->answer = std::move(answer);
    flight->done = true;
    flights_.erase(name);
    landed_.notify_all();
  } else if (deadline) {
    if (!landed_.wait_until(lock, *deadline, [&] { return flight->done; }))
      throw Error(Errc::Timeout, "resolver: " + quote(name) + ": no answer before the deadline");
  } else {
    landed_.wait(lock, [&] { return flight->done; });
  }
  if (flight->answer.found) return flight->answer.address;
  throw Error(flight->answer.code, flight->answer.error);
}

// Runs one DNS lookup without the lock; caches what is worth caching.
CachedAnswer Resolver::ask(const std::string& name, TimePoint deadline) {
  const std::string where = "resolver: " + quote(name) + ": ";
  const std::string from = " (nameserver " + formatEndpoint(dns_->nameserver()) + ")";
  CachedAnswer result;
  bool cacheable = true;
  auto negative = [&](Errc code, std::string why) {
    result.found = false;
    result.code = code;
    result.error = where + why + from;
    result.expires = Clock::now() + std::min<std::chrono::seconds>(settings_.cacheTtl, kNegativeTtl);
  };
  try {
    DnsAnswer answer = dns_->queryAaaa(name, deadline, closing_.token());
    if (answer.rcode == static_cast<std::uint8_t>(DnsAnswer::Rcode::NxDomain)) {
      negative(Errc::NotFound, "no such name (NXDOMAIN)");
    } else if (answer.rcode != 0) {
      negative(Errc::Unreachable, std::string("the nameserver answered ") + rcodeName(answer.rcode));
      cacheable = false;
    } else if (answer.addresses.empty()) {
      negative(Errc::NotFound, "no AAAA record");
    } else {
      auto inside = std::find_if(answer.addresses.begin(), answer.addresses.end(),
                                 [](const DnsAnswer::Address& a) { return a.address.isYggdrasil(); });
      if (inside == answer.addresses.end()) {
        negative(Errc::NotFound, "resolves only outside 200::/7 (to " + formatAddress(answer.addresses.front().address) +
                                     "), not to a Yggdrasil address");
      } else {
        result.found = true;
        result.address = inside->address;
        result.expires = Clock::now() + std::min(settings_.cacheTtl, inside->ttl);
      }
    }
  } catch (const Error& e) {
    cacheable = false;
    bool closed = closing_.cancelled();
    result.found = false;
    result.code = closed ? Errc::Closed : e.code();
    result.error = where + (closed ? std::string("the resolver closed") : std::string(e.what())) + from;
  }
  if (cacheable) {
    std::lock_guard lock(mutex_);
    if (!closed_) cache_.put(name, result, Clock::now());
  }
  return result;
}

}  // namespace rtk::plugins::socks
