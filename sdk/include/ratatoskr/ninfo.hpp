// Remote NodeInfo, read: what asking another node for its NodeInfo gives
// back, in C++, JSON and text — the same for the ninfo plugin's service
// (services/ninfo.h), its admin command `ask`, `ratatoskr ask` and
// rtk::NodeInfoAsker (an application embedding rtk::Node).
//
//   rtk::NodeInfoAsker asker(*node);                        // libratatoskr
//   auto r = asker.ask("200:1234:5678::1");                 // blocks; throws rtk::Error
//   std::cout << rtk::ninfo::formatText(r);
//
// A target is one of: 64 hex digits (a key), "<64 hex>.pk.ygg" (suffix in
// any case), "[<ipv6>]:<port>" (the port is ignored), a bare IPv6 node
// address (200::/8) or any address inside a node's subnet (300::/8, the
// /64 is what counts). Addresses are resolved to a key from the node's
// peers, sessions and paths, then by lookups (see plugins/ninfo/README.md).
//
// Errors (rtk::Error; the message starts with "ninfo: " and says which):
//   InvalidArgument  bad target ("bad target ...") or an IPv6 address outside
//                    200::/7 ("... is not a Yggdrasil address ...")
//   NotFound         no node with that address answered a lookup in time
//                    ("cannot resolve ...")
//   Timeout          no NodeInfo reply in time ("timed out ..."), or the
//                    caller's own timeout passed
//   MessageTooLarge  the reply is over 16384 bytes ("too large ...")
//   Protocol         the reply is not a JSON object ("not JSON ...")
//   Refused          64 keys or 64 addresses already in flight ("busy ...")
//   Closed           the asker (or the plugin, or the node) closed
//
// Thread-safety: the value types are regular values; NodeInfoAsker may be
// used from any thread, concurrently.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/error.hpp"
#include "ratatoskr/export.hpp"
#include "ratatoskr/json.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/node_interface.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::ninfo {

// The remote node's build, from its NodeInfo keys buildname, buildversion,
// buildplatform and buildarch (absent when it runs with NodeInfoPrivacy).
struct Software {
  std::string name, version, platform, arch;
  bool operator==(const Software&) const = default;
};

// One answer to an ask.
struct AskResult {
  std::string target;                  // what was asked, trimmed
  PublicKey key;                       // the node that answered
  std::chrono::nanoseconds rtt{0};     // of the call that succeeded (retries not counted)
  std::string version;                 // the remote ratatoskr version ("v0.1.0"); empty for other nodes
  std::optional<Software> software;    // nullopt when the node hides its build
  json::Value sigils = json::Value::object();  // {"<sigil name>": {<its keys>}}, each parsed and valid
  json::Value extra = json::Value::object();   // every other NodeInfo key, as received
};

// A parser for a custom sigil: reads the keys a sigil owns out of another
// node's NodeInfo. Built-in sigils (info, inet, public, services) always use
// the built-in parser; a custom parser with one of those names is refused.
class SigilParser {
 public:
  virtual ~SigilParser() = default;
  // ^[a-z0-9._-]{3,32}$, the name the remote metadata key declares.
  virtual std::string name() const = 0;
  // The sigil's fragment (an object of the keys it owns) when `nodeInfo`
  // holds a complete, valid one; nullopt otherwise. Called on the asker's
  // thread; must only read. Throwing counts as "no valid fragment".
  virtual std::optional<json::Value> parse(const json::Value& nodeInfo) const = 0;
};

// How long to try. Zero means the default; see each field for negatives.
struct AskOptions {
  // Retry a key's NodeInfo call until this passes; negative: no limit.
  std::chrono::milliseconds maxAskTime{30000};
  // Pause between attempts; negative: one attempt only.
  std::chrono::milliseconds askRetryPause{500};
  // First pause between path polls while resolving an address, doubling up
  // to 1 s; negative is refused.
  std::chrono::milliseconds lookupInterval{100};
  // Resolve an address until this passes; negative: no limit.
  std::chrono::milliseconds maxLookupTime{30000};
  // Custom sigil parsers (names unique, none a built-in's).
  std::vector<std::shared_ptr<const SigilParser>> parsers;
};

inline constexpr std::size_t kMaxNodeInfoBytes = 16384;  // a larger reply is refused
inline constexpr std::size_t kMaxKeyFlights = 64;        // distinct keys asked at once
inline constexpr std::size_t kMaxAddressFlights = 64;    // distinct addresses resolved at once
inline constexpr std::chrono::milliseconds kCallTimeout{6000};  // one NodeInfo call

// ---- JSON and text forms --------------------------------------------------

// {"target","key","rtt_ms","version","software":{name,version,platform,arch}|null,
//  "sigils":{...},"extra":{...}} — rtt_ms in milliseconds with 3 decimals.
inline json::Value toJson(const AskResult& r) {
  auto out = json::Value::object();
  out.set("target", r.target);
  out.set("key", r.key.hex());
  out.set("rtt_ms", std::round(static_cast<double>(r.rtt.count()) / 1000.0) / 1000.0);
  out.set("version", r.version);
  if (r.software) {
    auto s = json::Value::object();
    s.set("name", r.software->name);
    s.set("version", r.software->version);
    s.set("platform", r.software->platform);
    s.set("arch", r.software->arch);
    out.set("software", std::move(s));
  } else {
    out.set("software", json::Value());
  }
  out.set("sigils", r.sigils.isObject() ? r.sigils : json::Value::object());
  out.set("extra", r.extra.isObject() ? r.extra : json::Value::object());
  return out;
}

// The reverse of toJson (also of what `yggdrasilctl -json ask` prints).
// Throws rtk::Error(InvalidArgument) naming the field that is missing or
// of the wrong type.
inline AskResult askResultFromJson(const json::Value& v) {
  auto field = [&](const char* name) -> const json::Value& {
    const json::Value* f = v.find(name);
    if (!f) throw Error(Errc::InvalidArgument, std::string("ninfo: ask result: missing \"") + name + "\"");
    return *f;
  };
  auto text = [&](const json::Value& f, const char* name) -> std::string {
    if (!f.isString()) {
      throw Error(Errc::InvalidArgument,
                  std::string("ninfo: ask result: \"") + name + "\" is " + f.typeName() + ", expected string");
    }
    return f.asString();
  };
  if (!v.isObject()) throw Error(Errc::InvalidArgument, std::string("ninfo: ask result is ") + v.typeName() + ", expected object");
  AskResult r;
  r.target = text(field("target"), "target");
  auto key = PublicKey::fromHex(text(field("key"), "key"));
  if (!key) throw Error(Errc::InvalidArgument, "ninfo: ask result: \"key\" is not 64 hex digits");
  r.key = *key;
  const auto& rtt = field("rtt_ms");
  if (!rtt.isNumber() || rtt.asDouble() < 0) throw Error(Errc::InvalidArgument, "ninfo: ask result: \"rtt_ms\" is not a number >= 0");
  r.rtt = std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(rtt.asDouble() * 1e6)));
  r.version = text(field("version"), "version");
  const auto& sw = field("software");
  if (sw.isObject()) {
    r.software = Software{text(sw.get("name"), "software.name"), text(sw.get("version"), "software.version"),
                          text(sw.get("platform"), "software.platform"), text(sw.get("arch"), "software.arch")};
  } else if (!sw.isNull()) {
    throw Error(Errc::InvalidArgument, std::string("ninfo: ask result: \"software\" is ") + sw.typeName());
  }
  r.sigils = field("sigils");
  r.extra = field("extra");
  if (!r.sigils.isObject() || !r.extra.isObject()) {
    throw Error(Errc::InvalidArgument, "ninfo: ask result: \"sigils\" and \"extra\" must be objects");
  }
  return r;
}

// For people: one "Label: value" line each, then one indented line per
// sigil and per extra key (values as compact JSON).
//   Target:   200:1234:5678::1
//   Key:      9f0a…
//   RTT:      12.34 ms
//   Version:  v0.1.0
//   Software: yggdrasil 0.5.12 linux/amd64
//   Sigils:   2
//     info: {"name":"edge.example.net","type":"router"}
//   Extra:    1
//     motd: "hello"
inline std::string formatText(const AskResult& r) {
  char rtt[64];
  std::snprintf(rtt, sizeof rtt, "%.2f ms", static_cast<double>(r.rtt.count()) / 1e6);
  std::string out;
  out += "Target:   " + r.target + "\n";
  out += "Key:      " + r.key.hex() + "\n";
  out += std::string("RTT:      ") + rtt + "\n";
  out += "Version:  " + (r.version.empty() ? std::string("(no ratatoskr metadata)") : r.version) + "\n";
  if (r.software) {
    out += "Software: " + r.software->name + " " + r.software->version + " " + r.software->platform + "/" +
           r.software->arch + "\n";
  } else {
    out += "Software: (hidden)\n";
  }
  auto members = [&](const char* label, const json::Value& object) {
    out += std::string(label) + std::to_string(object.size()) + "\n";
    for (std::size_t i = 0; i < object.size(); ++i) out += "  " + object.keyAt(i) + ": " + object.at(i).dump() + "\n";
  };
  members("Sigils:   ", r.sigils);
  members("Extra:    ", r.extra);
  return out;
}

}  // namespace rtk::ninfo

namespace rtk {

// Asks other nodes for their NodeInfo from an application that embeds the
// node (libratatoskr): the ninfo plugin's engine, in process, over any
// rtk::NodeInterface (an rtk::Node). One thread ("rtk-ninfo") for every ask
// in flight; its timers and replies run there.
//
// The node must outlive the asker (or close() it first). Errors: as listed at
// the top of this file; the constructor throws InvalidArgument for a bad
// option (a negative lookupInterval, a custom parser named like a built-in
// sigil or twice, an invalid name).
class RTK_API NodeInfoAsker {
 public:
  using Callback = std::function<void(Outcome<ninfo::AskResult>)>;

  explicit NodeInfoAsker(NodeInterface& node, ninfo::AskOptions options = {}, Log log = {});
  ~NodeInfoAsker();  // close()
  NodeInfoAsker(const NodeInfoAsker&) = delete;
  NodeInfoAsker& operator=(const NodeInfoAsker&) = delete;

  // Blocks until the answer, an error, or `timeout` (0: only the options'
  // limits apply). Not from inside a Callback.
  ninfo::AskResult ask(std::string_view target, std::chrono::milliseconds timeout = {});
  // Returns at once with an id for cancel(); `done` runs exactly once on the
  // asker's thread (return quickly) unless cancelled first. A bad target
  // throws here and `done` is never called.
  std::uint64_t askAsync(std::string_view target, std::chrono::milliseconds timeout, Callback done);
  // Once it returns, `done` of that ask is not running and never runs (from
  // inside a callback, the running one finishes). Unknown ids are ignored.
  void cancel(std::uint64_t id);
  // Fails every ask in flight with Errc::Closed and joins the thread.
  // Idempotent; later asks throw Errc::Closed.
  void close();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtk
