#include "ProbeJson.hpp"

#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <sstream>

namespace rtk::probe {

namespace {

double rttMs(std::chrono::nanoseconds d) { return std::round(static_cast<double>(d.count()) / 1000.0) / 1000.0; }

json::Value optionalRtt(const std::optional<std::chrono::nanoseconds>& d) {
  return d ? json::Value(rttMs(*d)) : json::Value(nullptr);
}

json::Value optionalKey(const std::optional<PublicKey>& k) { return k ? json::Value(k->hex()) : json::Value(nullptr); }

[[noreturn]] void bad(const std::string& field, const std::string& why) {
  throw Error(Errc::Protocol, "probe result: " + field + ": " + why);
}

const json::Value& field(const json::Value& v, const char* name, const std::string& where) {
  const json::Value* f = v.find(name);
  if (!f) bad(where + name, "missing");
  return *f;
}

PublicKey keyField(const json::Value& v, const char* name, const std::string& where) {
  const json::Value& f = field(v, name, where);
  std::optional<PublicKey> k;
  if (f.isString() && f.asString().size() == 64) k = PublicKey::fromHex(f.asString());
  if (!k) bad(where + name, "not a key (64 hex digits)");
  return *k;
}

std::optional<PublicKey> optionalKeyField(const json::Value& v, const char* name, const std::string& where) {
  const json::Value* f = v.find(name);
  if (!f || f->isNull()) return std::nullopt;
  return keyField(v, name, where);
}

std::uint64_t countField(const json::Value& v, const char* name, const std::string& where) {
  const json::Value& f = field(v, name, where);
  if (!f.isInteger() || f.asDouble() < 0 || f.asDouble() > 1e15) bad(where + name, "not a count");
  return f.asUint64();
}

bool boolField(const json::Value& v, const char* name, const std::string& where) {
  const json::Value& f = field(v, name, where);
  if (!f.isBool()) bad(where + name, "not true or false");
  return f.asBool();
}

std::chrono::nanoseconds msField(const json::Value& v, const char* name, const std::string& where) {
  const json::Value& f = field(v, name, where);
  if (!f.isNumber() || !(f.asDouble() >= 0) || f.asDouble() > 1e12) bad(where + name, "not a duration in ms");
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(f.asDouble() * 1e6)));
}

std::optional<std::chrono::nanoseconds> optionalMsField(const json::Value& v, const char* name, const std::string& where) {
  const json::Value* f = v.find(name);
  if (!f || f->isNull()) return std::nullopt;
  return msField(v, name, where);
}

std::string stringField(const json::Value& v, const char* name) {
  const json::Value* f = v.find(name);
  if (!f || f->isNull()) return {};
  if (!f->isString()) bad(name, "not a string");
  return f->asString();
}

const json::Value& arrayField(const json::Value& v, const char* name) {
  const json::Value& f = field(v, name, "");
  if (!f.isArray()) bad(name, "not a list");
  return f;
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string shortKey(const PublicKey& k) { return k.hex().substr(0, 16); }

}  // namespace

json::Value toJson(const CrawlResult& r) {
  auto out = json::Value::object();
  out.set("root", r.root.hex());
  out.set("max_depth", r.options.maxDepth);
  out.set("concurrency", r.options.concurrency);
  out.set("max_nodes", static_cast<std::uint64_t>(r.options.maxNodes));
  out.set("truncated", r.truncated);
  out.set("error", r.error);
  out.set("elapsed_ms", rttMs(r.elapsed));
  out.set("remote_calls", static_cast<std::uint64_t>(r.remoteCalls));
  auto levels = json::Value::array();
  for (const auto& l : r.levels) {
    auto o = json::Value::object();
    o.set("depth", l.depth);
    o.set("found", static_cast<std::uint64_t>(l.found));
    o.set("total", static_cast<std::uint64_t>(l.total));
    o.set("truncated", l.truncated);
    levels.push(std::move(o));
  }
  out.set("levels", std::move(levels));
  auto nodes = json::Value::array();
  for (const auto& n : r.nodes) {
    auto o = json::Value::object();
    o.set("key", n.key.hex());
    o.set("parent", n.parent.hex());
    o.set("depth", n.depth);
    o.set("rtt_ms", rttMs(n.rtt));
    o.set("queried", n.queried);
    o.set("unreachable", n.unreachable);
    o.set("peers", static_cast<std::uint64_t>(n.peers));
    nodes.push(std::move(o));
  }
  out.set("nodes", std::move(nodes));
  return out;
}

json::Value toJson(const TraceResult& r) {
  auto out = json::Value::object();
  out.set("self", r.self.hex());
  out.set("target", r.target.hex());
  out.set("lookup_sent", r.lookupSent);
  out.set("rtt_ms", optionalRtt(r.rtt));
  out.set("error", r.error);
  out.set("elapsed_ms", rttMs(r.elapsed));
  auto path = json::Value::array();
  for (const auto& n : r.path) {
    auto o = json::Value::object();
    o.set("key", n.key.hex());
    o.set("rtt_ms", optionalRtt(n.rtt));
    o.set("unreachable", n.unreachable);
    path.push(std::move(o));
  }
  out.set("path", std::move(path));
  auto hops = json::Value::array();
  for (const auto& h : r.hops) {
    auto o = json::Value::object();
    o.set("index", static_cast<std::uint64_t>(h.index));
    o.set("port", h.port);
    o.set("from", optionalKey(h.from));
    o.set("to", optionalKey(h.to));
    o.set("local_peer", optionalKey(h.localPeer));
    o.set("rtt_ms", optionalRtt(h.rtt));
    hops.push(std::move(o));
  }
  out.set("hops", std::move(hops));
  return out;
}

json::Value pathToJson(const PublicKey& key, const std::vector<PublicKey>& path) {
  auto out = json::Value::object();
  out.set("key", key.hex());
  auto list = json::Value::array();
  for (const auto& k : path) list.push(k.hex());
  out.set("path", std::move(list));
  return out;
}

CrawlResult crawlFromJson(const json::Value& v) {
  if (!v.isObject()) bad("crawl", "not an object");
  CrawlResult r;
  r.root = keyField(v, "root", "");
  r.options.maxDepth = static_cast<int>(countField(v, "max_depth", "") & 0x7fffffff);
  const json::Value& c = field(v, "concurrency", "");
  if (!c.isInteger() || c.asDouble() < -1e9 || c.asDouble() > 1e9) bad("concurrency", "not a whole number");
  r.options.concurrency = static_cast<int>(c.asInt64());
  r.options.maxNodes = countField(v, "max_nodes", "");
  r.truncated = boolField(v, "truncated", "");
  r.error = stringField(v, "error");
  r.elapsed = msField(v, "elapsed_ms", "");
  r.remoteCalls = countField(v, "remote_calls", "");
  const json::Value& levels = arrayField(v, "levels");
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const std::string where = "levels[" + std::to_string(i) + "].";
    const json::Value& l = levels.at(i);
    if (!l.isObject()) bad(where, "not an object");
    r.levels.push_back(CrawlLevel{static_cast<int>(countField(l, "depth", where) & 0x7fffffff),
                                  countField(l, "found", where), countField(l, "total", where),
                                  boolField(l, "truncated", where)});
  }
  const json::Value& nodes = arrayField(v, "nodes");
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const std::string where = "nodes[" + std::to_string(i) + "].";
    const json::Value& n = nodes.at(i);
    if (!n.isObject()) bad(where, "not an object");
    CrawlNode node;
    node.key = keyField(n, "key", where);
    node.parent = keyField(n, "parent", where);
    node.depth = static_cast<int>(countField(n, "depth", where) & 0x7fffffff);
    node.rtt = msField(n, "rtt_ms", where);
    node.queried = boolField(n, "queried", where);
    node.unreachable = boolField(n, "unreachable", where);
    node.peers = countField(n, "peers", where);
    r.nodes.push_back(node);
  }
  return r;
}

TraceResult traceFromJson(const json::Value& v) {
  if (!v.isObject()) bad("trace", "not an object");
  TraceResult r;
  r.self = keyField(v, "self", "");
  r.target = keyField(v, "target", "");
  r.lookupSent = boolField(v, "lookup_sent", "");
  r.rtt = optionalMsField(v, "rtt_ms", "");
  r.error = stringField(v, "error");
  r.elapsed = msField(v, "elapsed_ms", "");
  const json::Value& path = arrayField(v, "path");
  for (std::size_t i = 0; i < path.size(); ++i) {
    const std::string where = "path[" + std::to_string(i) + "].";
    const json::Value& n = path.at(i);
    if (!n.isObject()) bad(where, "not an object");
    r.path.push_back(TracePathNode{keyField(n, "key", where), optionalMsField(n, "rtt_ms", where),
                                   boolField(n, "unreachable", where)});
  }
  const json::Value& hops = arrayField(v, "hops");
  for (std::size_t i = 0; i < hops.size(); ++i) {
    const std::string where = "hops[" + std::to_string(i) + "].";
    const json::Value& h = hops.at(i);
    if (!h.isObject()) bad(where, "not an object");
    TraceHop hop;
    hop.index = countField(h, "index", where);
    const json::Value& port = field(h, "port", where);
    if (!port.isInteger() || port.asDouble() < 0) bad(where + "port", "not a port number");
    hop.port = port.asUint64();
    hop.from = optionalKeyField(h, "from", where);
    hop.to = optionalKeyField(h, "to", where);
    hop.localPeer = optionalKeyField(h, "local_peer", where);
    hop.rtt = optionalMsField(h, "rtt_ms", where);
    r.hops.push_back(hop);
  }
  return r;
}

std::string formatText(const CrawlResult& r) {
  std::ostringstream out;
  int depth = r.levels.empty() ? 0 : r.levels.back().depth;
  out << "Crawl from " << r.root.hex() << ": " << r.nodes.size() << " node(s) besides us, depth " << depth << ", "
      << r.remoteCalls << " remote call(s) in " << fixed(rttMs(r.elapsed), 1) << " ms"
      << (r.truncated ? ", TRUNCATED at " + std::to_string(r.options.maxNodes) + " nodes" : "") << "\n";
  if (!r.error.empty()) out << "Stopped early: " << r.error << "\n";
  for (const auto& l : r.levels)
    out << "  depth " << l.depth << ": " << l.found << " found, " << l.total << " in all" << (l.truncated ? " (cut)" : "")
        << "\n";
  std::map<PublicKey, std::vector<const CrawlNode*>> children;
  for (const auto& n : r.nodes) children[n.parent].push_back(&n);
  std::function<void(const PublicKey&, int)> print = [&](const PublicKey& parent, int indent) {
    auto it = children.find(parent);
    if (it == children.end()) return;
    for (const CrawlNode* n : it->second) {
      out << std::string(static_cast<std::size_t>(indent) * 2, ' ') << n->key.hex();
      if (n->unreachable) {
        out << "  unreachable";
      } else {
        out << "  " << fixed(rttMs(n->rtt), 2) << " ms";
      }
      if (n->queried && !n->unreachable) out << "  " << n->peers << " peer(s)";
      out << "\n";
      if (n->depth < 64) print(n->key, indent + 1);
    }
  };
  out << r.root.hex() << "  (us)\n";
  print(r.root, 1);
  return out.str();
}

std::string formatText(const TraceResult& r) {
  std::ostringstream out;
  out << "Trace to " << r.target.hex() << (r.lookupSent ? " (lookup sent)" : "") << ": "
      << (r.rtt ? fixed(rttMs(*r.rtt), 2) + " ms" : std::string("no answer")) << ", " << r.hops.size()
      << " hop(s) from the root, " << fixed(rttMs(r.elapsed), 1) << " ms\n";
  if (!r.error.empty()) out << "Partial: " << r.error << "\n";
  if (!r.path.empty()) {
    out << "Tree path (root first):\n";
    for (const auto& n : r.path) {
      out << "  " << n.key.hex();
      if (n.key == r.self) out << "  (us)";
      if (n.unreachable) out << "  unreachable";
      else if (n.rtt) out << "  " << fixed(rttMs(*n.rtt), 2) << " ms";
      out << "\n";
    }
  }
  if (!r.hops.empty()) out << "Hops (the target's coordinates, root first):\n";
  for (const auto& h : r.hops) {
    out << "  " << h.index << ": port " << h.port << "  " << (h.from ? shortKey(*h.from) : std::string("?")) << " -> "
        << (h.to ? shortKey(*h.to) : std::string("?"));
    if (h.localPeer) out << "  via our peer " << shortKey(*h.localPeer);
    if (h.rtt) out << "  " << fixed(rttMs(*h.rtt), 2) << " ms";
    out << "\n";
  }
  return out.str();
}

std::string formatPathText(const json::Value& pathJson) {
  std::ostringstream out;
  const json::Value& list = arrayField(pathJson, "path");
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list.at(i).isString()) bad("path", "not a list of keys");
    out << std::string(i * 2, ' ') << list.at(i).asString() << (i == 0 ? "  (root)" : "") << "\n";
  }
  return out.str();
}

std::string toDot(const CrawlResult& r) {
  std::ostringstream out;
  out << "digraph probe {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n";
  out << "  \"" << r.root.hex() << "\" [label=\"" << shortKey(r.root) << "\\n(us)\", shape=doubleoctagon];\n";
  for (const auto& n : r.nodes) {
    out << "  \"" << n.key.hex() << "\" [label=\"" << shortKey(n.key) << "\\n";
    if (n.unreachable) {
      out << "unreachable\", style=dashed, color=red];\n";
    } else {
      out << fixed(rttMs(n.rtt), 2) << " ms\"];\n";
    }
  }
  for (const auto& n : r.nodes) out << "  \"" << n.parent.hex() << "\" -> \"" << n.key.hex() << "\";\n";
  if (r.truncated) out << "  label=\"truncated at " << r.options.maxNodes << " nodes\";\n";
  out << "}\n";
  return out.str();
}

}  // namespace rtk::probe
