// rtk::Node — an embedded Yggdrasil node: the C++ counterpart of the Go
// ratatoskr root package (ratatoskr.New / *Obj).
//
//   rtk::NodeOptions options;
//   options.config = myConfig;                 // none: random keys, no peers
//   auto node = rtk::Node::create(options);    // started and ready
//   auto conn = node->dial("tcp", "[200:1234::1]:80");
//   ...
//   node->close();                             // or let a CancelToken do it
//
// A Node is an rtk::NodeInterface: TCP/UDP over Yggdrasil through the
// userspace stack (dial/listen/listenPacket), the node's address, subnet,
// key and MTU, its peers, admin socket and diagnostics.
//
// Thread-safety: every method may be called from any thread, concurrently.
// dial, getNodeInfo and the remote debug calls block only their caller.
// close() is idempotent and may race with itself and with every other
// method; afterwards calls fail with Errc::Closed and getters return empty
// values. Objects handed out (connections, listeners) outlive the node
// safely: their calls fail with Errc::Closed once it is closed.
//
// Lifecycle (as the seed): create → ready → close. close() stops, in this
// order, the admin socket, NodeInfo queries, the core (links, sessions,
// router) and the network stack, and throws one rtk::Error joining every
// component's failure (the same error to every caller); without failures it
// returns normally. The destructor closes and never throws.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ratatoskr/cancel.hpp"
#include "ratatoskr/export.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/node_config.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk {

// Placeholder for the peer manager (the peermgr plugin): when set, it owns
// the node's outbound peers, so NodeConfig::peers must be empty.
struct PeerManagerOptions {
  std::vector<std::string> peers;  // candidate URIs
  std::uint32_t maxPeers = 0;      // 0: all of them
};

struct NodeOptions {
  // The node's configuration; none: random keys and nothing else.
  std::optional<NodeConfig> config;
  // Where the node logs; null: logs are discarded.
  std::shared_ptr<const Logger> logger;
  // When this token is cancelled, the node closes itself.
  CancelToken cancel;
  // Longest wait for the core to stop in close(); 0: no limit.
  std::chrono::milliseconds coreStopTimeout{0};
  // Peer manager (not available yet: create() refuses it with NotSupported,
  // and with Config when NodeConfig::peers is also set, as the seed's
  // ErrPeersConflict).
  std::optional<PeerManagerOptions> peerManager;
  // Sigils that build NodeInfo (not available in the library yet: the host
  // assembles them from plugins; create() refuses a non-empty list).
  std::vector<std::string> sigils;
};

struct PeerSnapshot {
  std::string uri;
  bool up = false;
  bool inbound = false;
  std::string key;  // hex, empty when not up
  std::chrono::nanoseconds latency{0};
  std::uint64_t cost = 0;
  std::uint64_t rxBytes = 0, txBytes = 0;
  std::chrono::nanoseconds uptime{0};
  std::string lastError;
  std::chrono::system_clock::time_point lastErrorTime{};
};

struct NodeSnapshot {
  std::string address;    // "200:…"
  std::string subnet;     // "300:…::/64"
  std::string publicKey;  // hex
  std::uint64_t mtu = 0;
  std::vector<PeerSnapshot> peers;
  std::vector<std::string> activePeers;  // chosen by the peer manager (empty without one)
  bool socksEnabled = false;             // the SOCKS proxy is a plugin; false in the library

  // One JSON object: address, subnet, public_key, mtu, peers[] (uri, up,
  // inbound, key, latency_ns, cost, rx_bytes, tx_bytes, uptime_ns,
  // last_error and last_error_time when there is one), active_peers (when
  // not empty), socks {enabled}.
  RTK_API std::string toJson() const;
};

class RTK_API Node : public NodeInterface {
 public:
  // Creates and starts a node. Throws rtk::Error: Config for a bad key,
  // URI or setting (naming the field), AddressInUse for a busy listener,
  // NotSupported for options not available yet.
  static std::shared_ptr<Node> create(NodeOptions options = {});

  ~Node() override;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // ---- NetworkInterface ----
  std::unique_ptr<Conn> dial(std::string_view network, std::string_view address,
                             const DialOptions& options = {}) override;
  std::unique_ptr<Listener> listen(std::string_view network, std::string_view address) override;
  std::unique_ptr<PacketConn> listenPacket(std::string_view network, std::string_view address) override;
  Ip6Address address() const override;
  Ip6Address subnet() const override;
  PublicKey publicKey() const override;
  std::uint64_t mtu() const override;

  // ---- PeerInterface ----
  void addPeer(std::string_view uri, std::string_view sourceInterface = {}) override;
  void removePeer(std::string_view uri, std::string_view sourceInterface = {}) override;
  std::vector<PeerInfo> getPeers() const override;
  void retryPeers() override;
  std::uint64_t subscribePeerEvents(PeerEventHandler handler) override;
  void unsubscribePeerEvents(std::uint64_t id) override;
  void probePeer(std::string_view uri, std::chrono::milliseconds timeout, ProbeCallback done) override;
  // The URIs the node listens on for inbound peers (NodeConfig::listen), as
  // bound: a port 0 in the conf shows the port the system chose
  // ("tcp://127.0.0.1:41234"). Empty after close().
  std::vector<std::string> listeners() const;

  // ---- MulticastInterface (host/core/multicast): enableMulticast() starts
  // discovery with NodeConfig::multicastInterfaces (Errc::Config when empty or
  // a regex is invalid); create() does not start it by itself ----
  void enableMulticast() override;
  void disableMulticast() override;
  std::vector<MulticastInterfaceInfo> multicastInterfaces() const override;

  // ---- AdminInterface ----
  void enableAdmin(std::string_view address) override;
  void disableAdmin() override;
  void addAdminHandler(std::string_view name, std::string_view description, std::vector<std::string> fields,
                       AdminHandler handler) override;
  void removeAdminHandler(std::string_view name) override;
  // The admin socket's bound address ("unix:///…", "tcp://127.0.0.1:port"), empty when off.
  std::string adminAddress() const;

  // ---- DiagnosticInterface ----
  SelfInfo getSelf() const override;
  std::vector<TreeEntry> getTree() const override;
  std::vector<PathEntry> getPaths() const override;
  std::vector<SessionEntry> getSessions() const override;
  void sendLookup(const PublicKey& key) override;
  NodeInfoReply getNodeInfo(const PublicKey& key, std::chrono::milliseconds timeout) override;
  std::string remoteGetSelf(const PublicKey& key, std::chrono::milliseconds timeout) override;
  std::vector<PublicKey> remoteGetPeers(const PublicKey& key, std::chrono::milliseconds timeout) override;
  std::vector<PublicKey> remoteGetTree(const PublicKey& key, std::chrono::milliseconds timeout) override;
  void queryRemote(RemoteQuery query, const PublicKey& key, std::chrono::milliseconds timeout,
                   RemoteCallback done) override;

  // ---- NodeInfoInterface ----
  std::string nodeInfo() const override;
  void setNodeInfo(std::string_view json) override;
  // The NodeInfo a node created with NodeConfig::nodeInfo = `nodeInfoJson`
  // and NodeConfig::nodeInfoPrivacy = `privacy` publishes: the object with
  // the build keys added unless privacy is on, written as the node writes
  // it. Not limited to 16384 bytes (create() refuses a larger one), so a
  // caller can tell by how much it is over. Errc::Config when the text is
  // not a JSON object. Any thread.
  static std::string publishedNodeInfo(std::string_view nodeInfoJson, bool privacy);

  // ---- facade ----
  NodeSnapshot snapshot() const;
  // The node's running totals: packets dropped by layer and reason, lookups,
  // sessions evicted or expired, NodeInfo/debug requests; and the netstack's
  // open sockets (a gauge). Empty after close().
  std::vector<NodeCounter> counters() const;
  bool closed() const;
  void close() override;

  struct Impl;

 private:
  explicit Node(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtk
