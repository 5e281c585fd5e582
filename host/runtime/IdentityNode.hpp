// rtk::host::IdentityNode — the node the host runs until the real one
// (core + netstack) is wired in through the NodeFactory seam.
//
// It is what the conf makes of this machine without the network layers:
// the identity (key, 200::/7 address, 300::/64 subnet, MTU), the configured
// peer list, NodeInfo, and admin handlers registered by plugins. Everything
// that needs the router, sessions or the userspace stack fails with
// Errc::NotSupported and a message saying which part is not running:
//   dial/listen/listenPacket   "netstack: not running in this build"
//   sendLookup, remote calls   "router/sessions: not running in this build"
//   enableMulticast            "multicast: not running in this build"
//   enableAdmin                "admin: the admin socket is not running in this build"
// Peers added are kept (shown down, with that reason as their last error):
// adding one twice is Errc::AlreadyExists, removing an unknown one
// Errc::NotFound, as the real node does. After close() every call fails with
// Errc::Closed and getters return empty values.
//
// Thread-safety: every member may be called from any thread (one mutex).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/crypto/Ed25519.hpp"
#include "ratatoskr/node_config.hpp"
#include "ratatoskr/node_interface.hpp"
#include "runtime/HostExport.hpp"

namespace rtk::host {

class RTK_HOST_API IdentityNode final : public NodeInterface {
 public:
  IdentityNode(const core::crypto::SigningKey& key, const NodeConfig& config);

  std::unique_ptr<Conn> dial(std::string_view network, std::string_view address, const DialOptions& options = {}) override;
  std::unique_ptr<Listener> listen(std::string_view network, std::string_view address) override;
  std::unique_ptr<PacketConn> listenPacket(std::string_view network, std::string_view address) override;
  Ip6Address address() const override;
  Ip6Address subnet() const override;
  PublicKey publicKey() const override;
  std::uint64_t mtu() const override;

  void addPeer(std::string_view uri, std::string_view sourceInterface = {}) override;
  void removePeer(std::string_view uri, std::string_view sourceInterface = {}) override;
  std::vector<PeerInfo> getPeers() const override;
  void retryPeers() override;

  void enableMulticast() override;
  void disableMulticast() override;
  std::vector<MulticastInterfaceInfo> multicastInterfaces() const override;

  void enableAdmin(std::string_view address) override;
  void disableAdmin() override;
  void addAdminHandler(std::string_view name, std::string_view description, std::vector<std::string> fields,
                       AdminHandler handler) override;

  SelfInfo getSelf() const override;
  std::vector<TreeEntry> getTree() const override;
  std::vector<PathEntry> getPaths() const override;
  std::vector<SessionEntry> getSessions() const override;
  void sendLookup(const PublicKey& key) override;
  NodeInfoReply getNodeInfo(const PublicKey& key, std::chrono::milliseconds timeout) override;
  std::string remoteGetSelf(const PublicKey& key, std::chrono::milliseconds timeout) override;
  std::vector<PublicKey> remoteGetPeers(const PublicKey& key, std::chrono::milliseconds timeout) override;
  std::vector<PublicKey> remoteGetTree(const PublicKey& key, std::chrono::milliseconds timeout) override;

  void close() override;

  // The admin commands plugins registered (lower-case names), for the log.
  std::vector<std::string> adminCommands() const;
  const std::string& nodeInfo() const noexcept { return nodeInfo_; }

 private:
  struct PeerKey {
    std::string uri;
    std::string sourceInterface;
    auto operator<=>(const PeerKey&) const = default;
  };
  void checkOpen() const;  // requires mutex_

  const PublicKey key_;
  const Ip6Address address_;
  const Ip6Address subnet_;
  const std::uint64_t mtu_;
  const std::string nodeInfo_;
  mutable std::mutex mutex_;
  bool closed_ = false;
  std::map<PeerKey, PeerInfo> peers_;
  std::map<std::string, AdminHandler> adminHandlers_;
};

}  // namespace rtk::host
