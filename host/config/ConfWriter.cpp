#include "config/ConfWriter.hpp"

#include "config/ConfParser.hpp"
#include "core/crypto/Ed25519.hpp"
#include "ratatoskr/address.hpp"
#include "ratatoskr/json.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::host {
namespace {

json::Value stringArray(const std::vector<std::string>& items) {
  auto a = json::Value::array();
  for (const auto& s : items) a.push(s);
  return a;
}

}  // namespace

std::string ConfWriter::generate(std::string_view privateKeyHex) {
  const auto key = core::crypto::SigningKey::fromHex(privateKeyHex);
  const auto address = formatAddress(rtk::address::addressForKey(key.publicKey()));
  std::string out;
  out += "// ratatoskr configuration: JSON with comments (// ..., /* ... */ and # ...).\n";
  out += "// Node settings use yggdrasil.conf's names; see host/config/README.md.\n";
  out += "{\n";
  out += "  // Your private key (seed and public key, 128 hex digits). DO NOT share it.\n";
  out += "  // It makes this node " + address + ".\n";
  out += "  // Alternatively \"PrivateKeyPath\": a PEM file as `yggdrasil -exportkey` writes it.\n";
  out += "  \"PrivateKey\": \"" + key.hex() + "\",\n\n";
  out += "  // Outbound peers, e.g. \"tls://peer.example.net:443\". None: the node starts offline.\n";
  out += "  \"Peers\": [],\n";
  out += "  // Outbound peers per source interface: {\"eth0\": [\"tcp://[fe80::1%eth0]:9001\"]}.\n";
  out += "  \"InterfacePeers\": {},\n";
  out += "  // Listeners for inbound peers, e.g. \"tls://[::]:9001\". None by default.\n";
  out += "  \"Listen\": [],\n";
  out += "  // Admin socket for yggdrasilctl: \"none\", \"unix:///path/ratatoskr.sock\" or \"tcp://127.0.0.1:9001\".\n";
  out += "  \"AdminListen\": \"none\",\n";
  out += "  // Link-local peer discovery, e.g. [{\"Regex\": \"eth.*\", \"Beacon\": true, \"Listen\": true,\n";
  out += "  //   \"Port\": 0, \"Priority\": 0, \"Password\": \"\"}]. Off by default.\n";
  out += "  \"MulticastInterfaces\": [],\n";
  out += "  // Public keys (64 hex digits) allowed to peer with us inbound; empty allows all.\n";
  out += "  \"AllowedPublicKeys\": [],\n";
  out += "  // MTU of the userspace stack, 1280..65535.\n";
  out += "  \"IfMTU\": 65535,\n";
  out += "  // Published to anyone who asks (at most 16 KiB of JSON); sigil plugins add to it.\n";
  out += "  \"NodeInfo\": {},\n";
  out += "  // true: do not add the build name, version, platform and architecture to NodeInfo.\n";
  out += "  \"NodeInfoPrivacy\": false,\n\n";
  out += "  // Plugins: directories searched for *.so (relative to this file) and the names to run.\n";
  out += "  \"Plugins\": {\n";
  out += "    \"Directories\": [],\n";
  out += "    \"Enabled\": []\n";
  out += "  },\n";
  out += "  // Settings per plugin, by name, e.g. \"status\": {\"IntervalSeconds\": 60}.\n";
  out += "  \"Modules\": {},\n";
  out += "  // trace, debug, info, warn, error or off.\n";
  out += "  \"Log\": {\"Level\": \"info\"}\n";
  out += "}\n";
  return out;
}

std::string ConfWriter::generateFresh() {
  core::crypto::initSodium();
  return generate(core::crypto::SigningKey::generate().hex());
}

std::string ConfWriter::effective(const HostConfig& config, bool showSecrets) {
  const NodeConfig& n = config.node;
  auto root = json::Value::object();
  std::string key = n.privateKey;
  if (!key.empty() && !showSecrets) key = kRedacted;
  root.set("PrivateKey", key);
  root.set("PrivateKeyPath", n.privateKeyPath);
  root.set("Peers", stringArray(n.peers));
  auto ifPeers = json::Value::object();
  for (const auto& [iface, uris] : n.interfacePeers) ifPeers.set(iface, stringArray(uris));
  root.set("InterfacePeers", std::move(ifPeers));
  root.set("Listen", stringArray(n.listen));
  root.set("AdminListen", n.adminListen);
  auto multicast = json::Value::array();
  for (const auto& m : n.multicastInterfaces) {
    auto e = json::Value::object();
    e.set("Regex", m.regex);
    e.set("Beacon", m.beacon);
    e.set("Listen", m.listen);
    e.set("Port", static_cast<unsigned>(m.port));
    e.set("Priority", static_cast<unsigned>(m.priority));
    e.set("Password", m.password.empty() || showSecrets ? m.password : std::string(kRedacted));
    multicast.push(std::move(e));
  }
  root.set("MulticastInterfaces", std::move(multicast));
  root.set("AllowedPublicKeys", stringArray(n.allowedPublicKeys));
  root.set("IfMTU", static_cast<unsigned long long>(n.ifMTU));
  root.set("NodeInfo", n.nodeInfo.empty() ? json::Value::object() : json::Value::parse(n.nodeInfo));
  root.set("NodeInfoPrivacy", n.nodeInfoPrivacy);
  auto plugins = json::Value::object();
  plugins.set("Directories", stringArray(config.plugins.directories));
  plugins.set("Enabled", stringArray(config.plugins.enabled));
  root.set("Plugins", std::move(plugins));
  auto modules = json::Value::object();
  for (const auto& [name, settings] : config.modules) modules.set(name, settings);
  root.set("Modules", std::move(modules));
  auto log = json::Value::object();
  log.set("Level", logLevelName(config.logLevel));
  root.set("Log", std::move(log));
  return root.dump(2) + "\n";
}

}  // namespace rtk::host
