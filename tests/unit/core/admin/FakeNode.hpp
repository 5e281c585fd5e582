// A NodeInterface for admin tests: returns whatever the test put in it and
// records the peer calls. Network functions are not used by the admin socket
// and throw Errc::NotSupported.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ratatoskr/address.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk::test {

class FakeNode : public NodeInterface {
 public:
  PublicKey self;
  std::uint64_t routingEntries = 1;
  std::vector<PeerInfo> peers;
  std::vector<TreeEntry> tree;
  std::vector<PathEntry> paths;
  std::vector<SessionEntry> sessions;
  std::vector<MulticastInterfaceInfo> multicast;
  std::optional<std::string> remoteNodeInfo;  // what getNodeInfo answers; nullopt: it times out
  std::optional<std::string> remoteSelf;
  std::optional<std::vector<PublicKey>> remotePeers, remoteTree;
  std::set<std::string> configuredPeers;
  std::vector<std::pair<std::string, std::string>> added, removed;
  PublicKey lastRemoteKey;

  // When set, getNodeInfo blocks until release() (a slow handler).
  std::atomic<bool> holdNodeInfo{false};
  std::atomic<int> held{0};
  void release() {
    std::lock_guard l(m_);
    released_ = true;
    cv_.notify_all();
  }

  std::unique_ptr<Conn> dial(std::string_view, std::string_view, const DialOptions&) override { unsupported(); }
  std::unique_ptr<Listener> listen(std::string_view, std::string_view) override { unsupported(); }
  std::unique_ptr<PacketConn> listenPacket(std::string_view, std::string_view) override { unsupported(); }
  Ip6Address address() const override { return rtk::address::addressForKey(self); }
  Ip6Address subnet() const override { return rtk::address::subnetForKey(self); }
  PublicKey publicKey() const override { return self; }
  std::uint64_t mtu() const override { return 65535; }

  void addPeer(std::string_view uri, std::string_view sintf) override {
    std::lock_guard l(m_);
    if (uri.find("://") == std::string_view::npos) throw Error(Errc::InvalidArgument, "links: \"" + std::string(uri) + "\": not a peer URI");
    if (!configuredPeers.insert(std::string(uri)).second) throw Error(Errc::AlreadyExists, "links: " + std::string(uri) + ": already configured");
    added.emplace_back(uri, sintf);
  }
  void removePeer(std::string_view uri, std::string_view sintf) override {
    std::lock_guard l(m_);
    if (!configuredPeers.erase(std::string(uri))) throw Error(Errc::NotFound, "links: " + std::string(uri) + ": not configured");
    removed.emplace_back(uri, sintf);
  }
  std::vector<PeerInfo> getPeers() const override { return peers; }
  void retryPeers() override {}
  std::uint64_t subscribePeerEvents(PeerEventHandler) override { unsupported(); }
  void unsubscribePeerEvents(std::uint64_t) override {}
  void probePeer(std::string_view, std::chrono::milliseconds, ProbeCallback) override { unsupported(); }

  void enableMulticast() override {}
  void disableMulticast() override {}
  std::vector<MulticastInterfaceInfo> multicastInterfaces() const override { return multicast; }

  void enableAdmin(std::string_view) override { unsupported(); }
  void disableAdmin() override {}
  void addAdminHandler(std::string_view, std::string_view, std::vector<std::string>, AdminHandler) override { unsupported(); }
  void removeAdminHandler(std::string_view) override { unsupported(); }

  SelfInfo getSelf() const override { return SelfInfo{self, routingEntries}; }
  std::vector<TreeEntry> getTree() const override { return tree; }
  std::vector<PathEntry> getPaths() const override { return paths; }
  std::vector<SessionEntry> getSessions() const override { return sessions; }
  void sendLookup(const PublicKey&) override {}
  NodeInfoReply getNodeInfo(const PublicKey& key, std::chrono::milliseconds timeout) override {
    lastRemoteKey = key;
    if (holdNodeInfo) {
      ++held;
      std::unique_lock l(m_);
      cv_.wait(l, [&] { return released_; });
    }
    if (!remoteNodeInfo) throw Error(Errc::Timeout, "proto: getNodeInfo: no reply within " + std::to_string(timeout.count()) + " ms");
    return NodeInfoReply{*remoteNodeInfo, std::chrono::milliseconds(3)};
  }
  std::string remoteGetSelf(const PublicKey& key, std::chrono::milliseconds) override {
    lastRemoteKey = key;
    if (!remoteSelf) throw Error(Errc::Timeout, "proto: no reply");
    return *remoteSelf;
  }
  std::vector<PublicKey> remoteGetPeers(const PublicKey& key, std::chrono::milliseconds) override {
    lastRemoteKey = key;
    if (!remotePeers) throw Error(Errc::Timeout, "proto: no reply");
    return *remotePeers;
  }
  std::vector<PublicKey> remoteGetTree(const PublicKey& key, std::chrono::milliseconds) override {
    lastRemoteKey = key;
    if (!remoteTree) throw Error(Errc::Timeout, "proto: no reply");
    return *remoteTree;
  }
  void queryRemote(RemoteQuery, const PublicKey&, std::chrono::milliseconds, RemoteCallback) override { unsupported(); }
  std::string nodeInfo() const override { return "{}"; }
  void setNodeInfo(std::string_view) override { unsupported(); }
  void close() override {}

 private:
  [[noreturn]] static void unsupported() { throw Error(Errc::NotSupported, "fake node: not used by the admin socket"); }
  std::mutex m_;
  std::condition_variable cv_;
  bool released_ = false;
};

inline PublicKey testKey(std::uint8_t seed) {
  PublicKey k;
  for (std::size_t i = 0; i < k.bytes.size(); ++i) k.bytes[i] = static_cast<std::uint8_t>(seed * 13 + i * 7);
  return k;
}

}  // namespace rtk::test
