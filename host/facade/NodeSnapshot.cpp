// NodeSnapshot::toJson with Poco::JSON (field names: see ratatoskr/node.hpp).
#include <sstream>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timestamp.h>

#include "ratatoskr/node.hpp"

namespace rtk {

namespace {

std::string rfc3339(std::chrono::system_clock::time_point t) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  return Poco::DateTimeFormatter::format(Poco::Timestamp(us), Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
}

Poco::JSON::Object::Ptr peerJson(const PeerSnapshot& p) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("uri", p.uri);
  o->set("up", p.up);
  o->set("inbound", p.inbound);
  o->set("key", p.key);
  o->set("latency_ns", static_cast<Poco::Int64>(p.latency.count()));
  o->set("cost", static_cast<Poco::UInt64>(p.cost));
  o->set("rx_bytes", static_cast<Poco::UInt64>(p.rxBytes));
  o->set("tx_bytes", static_cast<Poco::UInt64>(p.txBytes));
  o->set("uptime_ns", static_cast<Poco::Int64>(p.uptime.count()));
  if (!p.lastError.empty()) {
    o->set("last_error", p.lastError);
    o->set("last_error_time", rfc3339(p.lastErrorTime));
  }
  return o;
}

}  // namespace

std::string NodeSnapshot::toJson() const {
  Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
  root.set("address", address);
  root.set("subnet", subnet);
  root.set("public_key", publicKey);
  root.set("mtu", static_cast<Poco::UInt64>(mtu));
  Poco::JSON::Array::Ptr peerArray = new Poco::JSON::Array;
  for (const auto& p : peers) peerArray->add(peerJson(p));
  root.set("peers", peerArray);
  if (!activePeers.empty()) {
    Poco::JSON::Array::Ptr active = new Poco::JSON::Array;
    for (const auto& a : activePeers) active->add(a);
    root.set("active_peers", active);
  }
  Poco::JSON::Object::Ptr socks = new Poco::JSON::Object;
  socks->set("enabled", socksEnabled);
  root.set("socks", socks);
  std::ostringstream out;
  root.stringify(out);
  return out.str();
}

}  // namespace rtk
