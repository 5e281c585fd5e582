#include "WebApi.hpp"

#include "KeyInput.hpp"

#include <map>

#include "ratatoskr/address.hpp"
#include "ratatoskr/json.hpp"

namespace rtk::example {

namespace {

json::Value apiError(std::string_view message) {
  json::Value v = json::Value::object();
  v.set("error", std::string(message));
  return v;
}

double millis(std::chrono::nanoseconds d) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(d).count()) / 1000.0;
}

std::string addressOf(const PublicKey& key) { return formatAddress(address::addressForKey(key)); }

}  // namespace

WebApi::WebApi(Node& node, CrawlSchedule& crawls, std::size_t maxNodeInfoCalls,
               std::chrono::milliseconds nodeInfoTimeout)
    : node_(node), crawls_(crawls), maxNodeInfoCalls_(maxNodeInfoCalls), nodeInfoTimeout_(nodeInfoTimeout) {}

ApiResponse WebApi::handle(std::string_view path, const std::optional<std::string>& key) {
  if (path == "/api/node") return {200, nodeJson()};
  if (path == "/api/peers") return {200, peersJson()};
  if (path == "/api/tree") return {200, treeJson()};
  if (path == "/api/crawl") return {200, crawls_.latestJson()};
  if (path == "/api/nodeinfo") return nodeInfo(key);
  return {404, apiError("no endpoint \"" + std::string(path.substr(0, 80)) + "\"" +
                        "; try /api/node, /api/peers, /api/tree, /api/crawl, /api/nodeinfo?key=HEX")
                   .dump()};
}

std::string WebApi::nodeJson() const {
  json::Value v = json::Value::object();
  v.set("address", formatAddress(node_.address()));
  v.set("subnet", formatAddress(node_.subnet()) + "/64");
  v.set("public_key", node_.publicKey().hex());
  v.set("mtu", static_cast<unsigned long long>(node_.mtu()));
  v.set("routing_entries", static_cast<unsigned long long>(node_.getSelf().routingEntries));
  try {
    v.set("nodeinfo", json::Value::parse(node_.nodeInfo()));
  } catch (const Error&) {
    v.set("nodeinfo", json::Value());
  }
  return v.dump();
}

std::string WebApi::peersJson() const {
  json::Value list = json::Value::array();
  for (const auto& p : node_.getPeers()) {
    json::Value item = json::Value::object();
    item.set("uri", p.uri);
    item.set("up", p.up);
    item.set("inbound", p.inbound);
    item.set("key", p.up ? json::Value(p.key.hex()) : json::Value());
    item.set("address", p.up ? json::Value(addressOf(p.key)) : json::Value());
    item.set("latency_ms", millis(p.latency));
    item.set("cost", static_cast<unsigned long long>(p.cost));
    item.set("rx_bytes", static_cast<unsigned long long>(p.rxBytes));
    item.set("tx_bytes", static_cast<unsigned long long>(p.txBytes));
    item.set("rx_rate", static_cast<unsigned long long>(p.rxRate));
    item.set("tx_rate", static_cast<unsigned long long>(p.txRate));
    item.set("uptime_s", static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(p.uptime).count()));
    item.set("last_error", p.lastError.empty() ? json::Value() : json::Value(p.lastError));
    list.push(std::move(item));
  }
  json::Value v = json::Value::object();
  v.set("peers", std::move(list));
  return v.dump();
}

std::string WebApi::treeJson() const {
  const auto entries = node_.getTree();
  // The root is the entry that is its own parent.
  std::optional<PublicKey> root;
  json::Value list = json::Value::array();
  for (const auto& e : entries) {
    if (e.parent == e.key) root = e.key;
    json::Value item = json::Value::object();
    item.set("key", e.key.hex());
    item.set("address", addressOf(e.key));
    item.set("parent", e.parent.hex());
    item.set("sequence", static_cast<unsigned long long>(e.sequence));
    list.push(std::move(item));
  }
  json::Value v = json::Value::object();
  v.set("self", node_.publicKey().hex());
  v.set("root", root ? json::Value(root->hex()) : json::Value());
  v.set("entries", std::move(list));
  return v.dump();
}

ApiResponse WebApi::nodeInfo(const std::optional<std::string>& keyText) {
  if (!keyText) return {400, apiError("/api/nodeinfo needs ?key=<64 hex digits>").dump()};
  PublicKey key;
  try {
    key = parseKeyParameter(*keyText, "key");
  } catch (const Error& e) {
    return {400, apiError(e.what()).dump()};
  }
  json::Value v = json::Value::object();
  v.set("key", key.hex());
  v.set("address", addressOf(key));
  if (key == node_.publicKey()) {
    v.set("nodeinfo", json::Value::parse(node_.nodeInfo()));
    v.set("rtt_ms", 0.0);
    return {200, v.dump()};
  }
  // Each call holds a server thread until it is answered or times out.
  if (nodeInfoCalls_.fetch_add(1) >= maxNodeInfoCalls_) {
    nodeInfoCalls_.fetch_sub(1);
    return {503, apiError("too many NodeInfo requests at once (limit " + std::to_string(maxNodeInfoCalls_) +
                          "); try again")
                     .dump()};
  }
  struct Release {
    std::atomic<std::size_t>& n;
    ~Release() { n.fetch_sub(1); }
  } release{nodeInfoCalls_};
  try {
    const NodeInfoReply reply = node_.getNodeInfo(key, nodeInfoTimeout_);
    v.set("nodeinfo", json::Value::parse(reply.json));
    v.set("rtt_ms", millis(reply.rtt));
    return {200, v.dump()};
  } catch (const Error& e) {
    const int status = e.code() == Errc::Timeout ? 504 : 502;
    return {status, apiError("NodeInfo of " + key.hex() + ": " + e.what()).dump()};
  }
}

}  // namespace rtk::example
