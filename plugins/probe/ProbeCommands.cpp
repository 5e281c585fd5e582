#include "ProbeCommands.hpp"

#include "probe/PeerKeysReply.hpp"
#include "probe/ProbeJson.hpp"
#include "ratatoskr/json.hpp"

namespace rtk::plugins::probe {

namespace {

json::Value argumentsOf(std::string_view text) {
  if (text.empty()) return json::Value::object();
  json::Value v;
  try {
    v = json::Value::parse(text);
  } catch (const Error& e) {
    throw Error(Errc::InvalidArgument, std::string("probe: arguments are not JSON: ") + e.what());
  }
  if (v.isNull()) return json::Value::object();
  if (!v.isObject()) throw Error(Errc::InvalidArgument, "probe: arguments must be a JSON object");
  return v;
}

// A whole number given as a JSON number or as decimal text; nullopt when absent.
std::optional<long long> numberArgument(const json::Value& args, const char* name, long long min, long long max) {
  const json::Value* v = args.find(name);
  if (!v || v->isNull()) return std::nullopt;
  long long out = 0;
  bool ok = false;
  if (v->isInteger() && v->asDouble() >= -9e15 && v->asDouble() <= 9e15) {
    out = v->asInt64();
    ok = true;
  } else if (v->isString()) {
    const std::string& s = v->asString();
    ok = !s.empty() && s.size() <= 15;
    for (char c : s) {
      ok = ok && c >= '0' && c <= '9';
      if (ok) out = out * 10 + (c - '0');
    }
  }
  if (!ok || out < min || out > max) {
    throw Error(Errc::InvalidArgument, std::string("probe: ") + name + " must be a whole number from " +
                                           std::to_string(min) + " to " + std::to_string(max) + ", got " + v->dump());
  }
  return out;
}

PublicKey keyArgument(const json::Value& args) {
  const json::Value& key = args.get("key");
  if (!key.isString() || key.asString().empty()) {
    throw Error(Errc::InvalidArgument, "probe: no key given (key=<64 hex digits> or key=<key>.pk.ygg)");
  }
  return rtk::probe::parseKeyArgument(key.asString(), "key");
}

}  // namespace

std::string ProbeCommands::tree(std::string_view argumentsJson) const {
  const json::Value args = argumentsOf(argumentsJson);
  rtk::probe::CrawlOptions o;
  auto depth = numberArgument(args, "maxDepth", 1, 1000000);
  if (!depth) throw Error(Errc::InvalidArgument, "probe: maxDepth is required (1 = our peers, 2 = their peers, ...)");
  o.maxDepth = static_cast<int>(*depth);
  o.concurrency = static_cast<int>(numberArgument(args, "concurrency", 1, rtk::probe::kMaxConcurrency)
                                       .value_or(rtk::probe::kDefaultConcurrency));
  o.maxNodes = static_cast<std::size_t>(numberArgument(args, "maxNodes", 1, 100000000).value_or(0));
  auto result = prober_.tree(o, [this](const rtk::probe::CrawlLevel& l) {
    log_.info("probe: depth ", l.depth, ": ", l.found, " found, ", l.total, " in all", l.truncated ? " (truncated)" : "");
  });
  return rtk::probe::toJson(result).dump();
}

std::string ProbeCommands::path(std::string_view argumentsJson) const {
  const PublicKey key = keyArgument(argumentsOf(argumentsJson));
  return rtk::probe::pathToJson(key, prober_.path(key)).dump();
}

std::string ProbeCommands::trace(std::string_view argumentsJson) const {
  const PublicKey key = keyArgument(argumentsOf(argumentsJson));
  return rtk::probe::toJson(prober_.trace(key)).dump();
}

}  // namespace rtk::plugins::probe
