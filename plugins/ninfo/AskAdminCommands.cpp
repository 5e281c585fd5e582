#include "AskAdminCommands.hpp"

#include <future>

#include "ratatoskr/json.hpp"

namespace rtk::plugins::ninfo {

namespace {

// A number given as a JSON number or as the decimal text yggdrasilctl sends.
std::int64_t millisArgument(const json::Value& v) {
  if (v.isInteger()) return v.asInt64();
  if (v.isString()) {
    const std::string& s = v.asString();
    std::int64_t out = 0;
    bool ok = !s.empty() && s.size() <= 12;
    for (char c : s) {
      ok = ok && c >= '0' && c <= '9';
      if (ok) out = out * 10 + (c - '0');
    }
    if (ok) return out;
  }
  throw Error(Errc::InvalidArgument, "ask: timeout must be a whole number of milliseconds, got " + v.dump());
}

}  // namespace

std::chrono::milliseconds AskAdminCommands::defaultTimeoutFor(const rtk::ninfo::AskOptions& options) {
  auto timing = rtk::ninfo::AskTiming::from(options);
  if (!timing.maxAskTime || !timing.maxLookupTime) return std::chrono::seconds(300);
  return *timing.maxLookupTime + *timing.maxAskTime + std::chrono::seconds(5);
}

std::string AskAdminCommands::ask(std::string_view argumentsJson) const {
  auto args = json::Value::parse(argumentsJson);
  const json::Value& target = args.get("target");
  if (!target.isString() || target.asString().empty()) {
    throw Error(Errc::InvalidArgument,
                "ask: no target given (e.g. ask target=200:1234::1, a key, <key>.pk.ygg or [address]:port)");
  }
  std::chrono::milliseconds timeout = defaultTimeout_;
  if (const auto* t = args.find("timeout"); t && !t->isNull()) {
    timeout = std::chrono::milliseconds(millisArgument(*t));
    if (timeout.count() <= 0) throw Error(Errc::InvalidArgument, "ask: timeout must be at least 1 ms");
  }
  auto promise = std::make_shared<std::promise<Outcome<rtk::ninfo::AskResult>>>();
  auto future = promise->get_future();
  asker_.ask(target.asString(), timeout, [promise](Outcome<rtk::ninfo::AskResult> r) { promise->set_value(std::move(r)); });
  auto outcome = future.get();
  if (!outcome.ok()) throw *outcome.error;
  return rtk::ninfo::toJson(outcome.value).dump();
}

std::string AskAdminCommands::stats(std::string_view) const {
  auto c = asker_.counters();
  auto out = json::Value::object();
  out.set("asks", c.asks);
  out.set("key_flights", c.keyFlights);
  out.set("address_flights", c.addressFlights);
  out.set("nodeinfo_calls", c.nodeInfoCalls);
  out.set("lookups", c.lookups);
  out.set("busy", c.busy);
  out.set("key_flights_now", static_cast<std::uint64_t>(c.keyFlightsNow));
  out.set("address_flights_now", static_cast<std::uint64_t>(c.addressFlightsNow));
  return out.dump();
}

}  // namespace rtk::plugins::ninfo
