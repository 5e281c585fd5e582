#include "config/YggdrasilConfWriter.hpp"

#include <utility>
#include <vector>

namespace rtk::host {
namespace {

// The comment written above each key in HJSON.
const std::vector<std::pair<std::string, std::vector<std::string>>> kKeyComments = {
    {"PrivateKey", {"The node's private key: seed and public key, 128 hex digits.",
                    "It is the node's identity and address; keep it secret."}},
    {"PrivateKeyPath", {"A PEM file holding the private key instead (-exportkey writes one)."}},
    {"Peers", {"Outbound peers, e.g. tls://host:443 or tcp://[addr]:9001. There are no",
               "bootstrap servers: all traffic crosses these links, so prefer peers close by."}},
    {"InterfacePeers", {"Outbound peers per source interface, e.g. { eth0: [ \"tls://host:443\" ] }."}},
    {"Listen", {"Listeners for inbound peers, e.g. tls://[::]:9001 (every interface) or",
                "tcp://127.0.0.1:9001. None is fine when this node only dials out."}},
    {"AdminListen", {"Admin socket for yggdrasilctl: unix:///path, tcp://127.0.0.1:9001 or none."}},
    {"MulticastInterfaces", {"Link-local peer discovery: interfaces (Regex) that beacon and listen.",
                             "ratatoskr has no multicast discovery yet; entries here are ignored."}},
    {"AllowedPublicKeys", {"Keys allowed to peer with us inbound; empty allows every key.",
                           "Not a firewall: it does not limit who reaches the node's services."}},
    {"IfName", {"TUN interface for yggdrasil; ratatoskr runs TCP and UDP in userspace and uses none."}},
    {"IfMTU", {"MTU of the node's IPv6 traffic, 1280 to 65535."}},
    {"LogLookups", {"Log path lookups."}},
    {"NodeInfoPrivacy", {"true: leave the build name, version, platform and architecture out of NodeInfo."}},
    {"NodeInfo", {"A JSON object anyone on the network may ask for (at most 16 KiB), or null."}},
    {"Plugins", {"ratatoskr: plugin directories and the plugins to run (host/config/README.md)."}},
    {"Modules", {"ratatoskr: settings per plugin, by name."}},
    {"Log", {"ratatoskr: log level (trace, debug, info, warn, error, off)."}},
};

const std::vector<std::string>* commentFor(const std::string& key) {
  for (const auto& [k, lines] : kKeyComments)
    if (k == key) return &lines;
  return nullptr;
}

bool bareKey(const std::string& key) {
  if (key.empty()) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// A string HJSON reads back unchanged without quotes: one line, no
// surrounding spaces, not opening with punctuation, a quote or a comment,
// and nothing a reader would take for a number, true, false or null.
bool quotelessString(const std::string& s) {
  if (s.empty() || s == "true" || s == "false" || s == "null") return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  const char first = s.front(), last = s.back();
  if (first == ' ' || last == ' ' || first == '-' || (first >= '0' && first <= '9')) return false;
  if (std::string("{}[],:\"'#").find(first) != std::string::npos) return false;
  if (s.rfind("//", 0) == 0 || s.rfind("/*", 0) == 0) return false;
  return true;
}

void writeHjsonValue(std::string& out, const json::Value& v, int indent);

void writeHjsonMembers(std::string& out, const json::Value& object, int indent, bool comments) {
  const std::string pad(indent, ' ');
  for (std::size_t i = 0; i < object.size(); ++i) {
    const std::string& key = object.keyAt(i);
    if (comments) {
      if (i > 0) out += "\n";
      if (const auto* lines = commentFor(key))
        for (const auto& line : *lines) out += pad + "# " + line + "\n";
    }
    out += pad + (bareKey(key) ? key : json::Value(key).dump()) + ": ";
    writeHjsonValue(out, object.at(i), indent);
    out += "\n";
  }
}

void writeHjsonValue(std::string& out, const json::Value& v, int indent) {
  const std::string pad(indent, ' ');
  if (v.isString()) {
    out += quotelessString(v.asString()) ? v.asString() : v.dump();
  } else if (v.isArray()) {
    if (v.empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    for (std::size_t i = 0; i < v.size(); ++i) {
      out += pad + "  ";
      writeHjsonValue(out, v[i], indent + 2);
      out += "\n";
    }
    out += pad + "]";
  } else if (v.isObject()) {
    if (v.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    writeHjsonMembers(out, v, indent + 2, false);
    out += pad + "}";
  } else {
    out += v.dump();
  }
}

json::Value strings(const std::vector<std::string>& items) {
  auto a = json::Value::array();
  for (const auto& s : items) a.push(s);
  return a;
}

}  // namespace

json::Value YggdrasilConfWriter::fresh(const std::string& privateKeyHex) {
  auto conf = json::Value::object();
  conf.set("PrivateKey", privateKeyHex);
  conf.set("Peers", json::Value::array());
  conf.set("InterfacePeers", json::Value::object());
  conf.set("Listen", json::Value::array());
  conf.set("AdminListen", "none");
  conf.set("MulticastInterfaces", json::Value::array());
  conf.set("AllowedPublicKeys", json::Value::array());
  conf.set("IfName", "none");
  conf.set("IfMTU", 65535);
  conf.set("NodeInfoPrivacy", false);
  conf.set("NodeInfo", json::Value::object());
  return conf;
}

json::Value YggdrasilConfWriter::normalised(const HostConfig& config, const std::string& privateKeyHex) {
  const NodeConfig& n = config.node;
  const json::Value& doc = config.document;
  auto conf = json::Value::object();
  if (n.privateKeyPath.empty()) conf.set("PrivateKey", n.privateKey.empty() ? privateKeyHex : n.privateKey);
  else conf.set("PrivateKeyPath", n.privateKeyPath);
  conf.set("Peers", strings(n.peers));
  auto ifPeers = json::Value::object();
  for (const auto& [iface, uris] : n.interfacePeers) ifPeers.set(iface, strings(uris));
  conf.set("InterfacePeers", std::move(ifPeers));
  conf.set("Listen", strings(n.listen));
  // As yggdrasil: a conf without MulticastInterfaces gets the platform's default entry.
  auto multicast = json::Value::array();
  if (!doc.contains("MulticastInterfaces")) {
    auto e = json::Value::object();
    e.set("Regex", ".*");
    e.set("Beacon", true);
    e.set("Listen", true);
    e.set("Password", "");
    multicast.push(std::move(e));
  }
  for (const auto& m : n.multicastInterfaces) {
    auto e = json::Value::object();
    e.set("Regex", m.regex);
    e.set("Beacon", m.beacon);
    e.set("Listen", m.listen);
    if (m.port != 0) e.set("Port", static_cast<unsigned>(m.port));
    if (m.priority != 0) e.set("Priority", static_cast<unsigned>(m.priority));
    e.set("Password", m.password);
    multicast.push(std::move(e));
  }
  conf.set("MulticastInterfaces", std::move(multicast));
  conf.set("AllowedPublicKeys", strings(n.allowedPublicKeys));
  const json::Value& ifName = doc.get("IfName");
  conf.set("IfName", ifName.isString() ? ifName.asString() : std::string("auto"));
  conf.set("IfMTU", static_cast<unsigned long long>(n.ifMTU));
  if (doc.get("LogLookups").isBool() && doc.get("LogLookups").asBool()) conf.set("LogLookups", true);
  conf.set("NodeInfoPrivacy", n.nodeInfoPrivacy);
  const json::Value& nodeInfo = doc.get("NodeInfo");
  conf.set("NodeInfo", nodeInfo.isObject() ? nodeInfo : json::Value());
  for (const char* section : {"Plugins", "Modules", "Log"})
    if (const json::Value* v = doc.find(section)) conf.set(section, *v);
  return conf;
}

std::string YggdrasilConfWriter::write(const json::Value& conf, Format format) {
  if (format == Format::Json) return conf.dump(2) + "\n";
  std::string out = "{\n";
  writeHjsonMembers(out, conf, 2, true);
  out += "}\n";
  return out;
}

}  // namespace rtk::host
