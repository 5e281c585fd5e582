#include "runtime/IdentityNode.hpp"

#include <algorithm>
#include <cctype>

#include "core/address/Address.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::host {
namespace {

constexpr const char* kPeeringMissing = "peering (links and router) is not running in this build";

[[noreturn]] void notRunning(const std::string& what) { throw Error(Errc::NotSupported, what + ": not running in this build"); }

std::uint64_t clampMtu(std::uint64_t mtu) { return std::clamp<std::uint64_t>(mtu, 1280, 65535); }

void checkUri(std::string_view uri) {
  auto scheme = uri.find("://");
  if (scheme == std::string_view::npos || scheme == 0 || scheme + 3 >= uri.size())
    throw Error(Errc::InvalidArgument, "peers: \"" + std::string(uri) + "\": not a peer URI (scheme://host:port)");
}

}  // namespace

IdentityNode::IdentityNode(const core::crypto::SigningKey& key, const NodeConfig& config)
    : key_(key.publicKey()),
      address_(core::address::addressForKey(key.publicKey())),
      subnet_(core::address::subnetForKey(key.publicKey())),
      mtu_(clampMtu(config.ifMTU)),
      nodeInfo_(config.nodeInfo) {
  for (const auto& uri : config.peers) addPeer(uri);
  for (const auto& [iface, uris] : config.interfacePeers)
    for (const auto& uri : uris) addPeer(uri, iface);
}

void IdentityNode::checkOpen() const {
  if (closed_) throw Error(Errc::Closed, "node: closed");
}

std::unique_ptr<Conn> IdentityNode::dial(std::string_view, std::string_view, const DialOptions&) {
  std::lock_guard lock(mutex_);
  checkOpen();
  notRunning("netstack");
}

std::unique_ptr<Listener> IdentityNode::listen(std::string_view, std::string_view) {
  std::lock_guard lock(mutex_);
  checkOpen();
  notRunning("netstack");
}

std::unique_ptr<PacketConn> IdentityNode::listenPacket(std::string_view, std::string_view) {
  std::lock_guard lock(mutex_);
  checkOpen();
  notRunning("netstack");
}

Ip6Address IdentityNode::address() const {
  std::lock_guard lock(mutex_);
  return closed_ ? Ip6Address{} : address_;
}

Ip6Address IdentityNode::subnet() const {
  std::lock_guard lock(mutex_);
  return closed_ ? Ip6Address{} : subnet_;
}

PublicKey IdentityNode::publicKey() const {
  std::lock_guard lock(mutex_);
  return closed_ ? PublicKey{} : key_;
}

std::uint64_t IdentityNode::mtu() const {
  std::lock_guard lock(mutex_);
  return closed_ ? 0 : mtu_;
}

void IdentityNode::addPeer(std::string_view uri, std::string_view sourceInterface) {
  checkUri(uri);
  std::lock_guard lock(mutex_);
  checkOpen();
  PeerKey k{std::string(uri), std::string(sourceInterface)};
  if (peers_.count(k)) throw Error(Errc::AlreadyExists, "peers: \"" + k.uri + "\": peer is already configured");
  PeerInfo info;
  info.uri = k.uri;
  info.lastError = kPeeringMissing;
  info.lastErrorTime = std::chrono::system_clock::now();
  peers_.emplace(std::move(k), std::move(info));
}

void IdentityNode::removePeer(std::string_view uri, std::string_view sourceInterface) {
  std::lock_guard lock(mutex_);
  checkOpen();
  if (peers_.erase(PeerKey{std::string(uri), std::string(sourceInterface)}) == 0)
    throw Error(Errc::NotFound, "peers: \"" + std::string(uri) + "\": peer is not configured");
}

std::vector<PeerInfo> IdentityNode::getPeers() const {
  std::lock_guard lock(mutex_);
  std::vector<PeerInfo> out;
  if (closed_) return out;
  for (const auto& [k, info] : peers_) out.push_back(info);
  return out;
}

void IdentityNode::retryPeers() {
  std::lock_guard lock(mutex_);
  checkOpen();
  notRunning("peering");
}

void IdentityNode::enableMulticast() {
  std::lock_guard lock(mutex_);
  checkOpen();
  notRunning("multicast");
}

void IdentityNode::disableMulticast() {}

std::vector<MulticastInterfaceInfo> IdentityNode::multicastInterfaces() const { return {}; }

void IdentityNode::enableAdmin(std::string_view) {
  std::lock_guard lock(mutex_);
  checkOpen();
  throw Error(Errc::NotSupported, "admin: the admin socket is not running in this build");
}

void IdentityNode::disableAdmin() {}

void IdentityNode::addAdminHandler(std::string_view name, std::string_view, std::vector<std::string>, AdminHandler handler) {
  std::string key(name);
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (key.empty() || !handler) throw Error(Errc::InvalidArgument, "admin: a handler needs a name and a function");
  std::lock_guard lock(mutex_);
  checkOpen();
  if (adminHandlers_.count(key)) throw Error(Errc::AlreadyExists, "admin: handler \"" + key + "\" is already registered");
  adminHandlers_.emplace(std::move(key), std::move(handler));
}

std::vector<std::string> IdentityNode::adminCommands() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, h] : adminHandlers_) out.push_back(name);
  return out;
}

SelfInfo IdentityNode::getSelf() const {
  std::lock_guard lock(mutex_);
  SelfInfo s;
  if (!closed_) s.key = key_;
  return s;
}

std::vector<TreeEntry> IdentityNode::getTree() const {
  // Alone, a node is the root of its own tree.
  std::lock_guard lock(mutex_);
  if (closed_) return {};
  return {TreeEntry{key_, key_, 0}};
}

std::vector<PathEntry> IdentityNode::getPaths() const { return {}; }
std::vector<SessionEntry> IdentityNode::getSessions() const { return {}; }

void IdentityNode::sendLookup(const PublicKey&) {
  std::lock_guard lock(mutex_);
  checkOpen();
  notRunning("router");
}

NodeInfoReply IdentityNode::getNodeInfo(const PublicKey&, std::chrono::milliseconds) {
  std::lock_guard lock(mutex_);
  checkOpen();
  notRunning("sessions");
}

std::string IdentityNode::remoteGetSelf(const PublicKey&, std::chrono::milliseconds) {
  std::lock_guard lock(mutex_);
  checkOpen();
  notRunning("sessions");
}

std::vector<PublicKey> IdentityNode::remoteGetPeers(const PublicKey&, std::chrono::milliseconds) {
  std::lock_guard lock(mutex_);
  checkOpen();
  notRunning("sessions");
}

std::vector<PublicKey> IdentityNode::remoteGetTree(const PublicKey&, std::chrono::milliseconds) {
  std::lock_guard lock(mutex_);
  checkOpen();
  notRunning("sessions");
}

void IdentityNode::close() {
  std::map<std::string, AdminHandler> handlers;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    peers_.clear();
    handlers.swap(adminHandlers_);
  }
  // Handlers (and whatever they hold, e.g. a plugin's release hook) are
  // destroyed outside the lock.
}

}  // namespace rtk::host
