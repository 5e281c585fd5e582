// rtk::NodeInterface — what a running Yggdrasil node offers to its users.
//
// The C++ counterpart of the Go ratatoskr `core.Interface`: the union of the
// network, peer, multicast, admin, diagnostic and NodeInfo interfaces below. The core
// implements it; the facade (rtk::Node), plugins (through the C service table,
// see services/node.h) and tests (with fakes) all depend on these interfaces,
// never on the implementation.
//
// Thread-safety: every method of every interface here is safe to call from
// any thread, concurrently. Methods that wait (dial, getNodeInfo, remote
// debug calls) block only the calling thread.
//
// After the node is closed every call fails with Errc::Closed (getters return
// empty values).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"
#include "ratatoskr/types.hpp"

namespace rtk {

// ---- snapshot types -----------------------------------------------------

struct PeerInfo {
  std::string uri;          // the configured URI, or the remote address for inbound links
  bool up = false;          // a link is connected
  bool inbound = false;
  PublicKey key;            // zero when not up
  PublicKey root;           // the peer's tree root, zero when unknown
  std::uint64_t port = 0;   // the router's port number for this peer
  std::uint8_t priority = 0;
  std::uint64_t cost = 0;   // link cost used by the router (latency-based)
  std::uint64_t rxBytes = 0, txBytes = 0;
  std::uint64_t rxRate = 0, txRate = 0;  // bytes per second, last second
  std::uint64_t rxPackets = 0, txPackets = 0;  // link frames of the current link (keepalives included)
  std::chrono::nanoseconds uptime{0};
  std::chrono::nanoseconds latency{0};
  std::string lastError;    // empty when none
  std::chrono::system_clock::time_point lastErrorTime{};
};

struct SelfInfo {
  PublicKey key;
  std::uint64_t routingEntries = 0;
};

struct TreeEntry {
  PublicKey key;
  PublicKey parent;
  std::uint64_t sequence = 0;
};

struct PathEntry {
  PublicKey key;
  std::vector<std::uint64_t> path;  // ports from the root to the node
  std::uint64_t sequence = 0;
};

struct SessionEntry {
  PublicKey key;
  std::uint64_t rxBytes = 0, txBytes = 0;
  std::chrono::nanoseconds uptime{0};
};

// One of the node's running totals, for monitoring (rtk::Node::counters()).
// A total only grows while the node runs; a gauge is a level that goes up
// and down (open sockets).
struct NodeCounter {
  std::string name;    // lowercase snake_case; totals end in "_total": "ipv6_packets_dropped_total"
  std::string reason;  // drop counters: why ("queue_full", "bad_source"); empty otherwise
  std::string help;    // one line
  std::uint64_t value = 0;
  bool gauge = false;
};

struct MulticastInterfaceInfo {
  std::string name;
  std::string address;
  bool beacon = false;
  bool listen = false;
  std::uint16_t port = 0;
  std::uint8_t priority = 0;
  bool hasPassword = false;
};

struct NodeInfoReply {
  std::string json;                  // the remote node's NodeInfo, a JSON object
  std::chrono::nanoseconds rtt{0};   // request to reply
};

// A peer link came up or went down.
struct PeerEvent {
  enum class Kind { Up, Down };
  Kind kind = Kind::Up;
  std::string uri;        // as getPeers() shows it
  std::string sourceInterface;
  bool inbound = false;
  PublicKey key;          // the peer's key (also on Down)
  std::string error;      // Down: why the link ended; empty on a clean close
};

// What probing a peer URI found: the key it answered with and the time from
// the first byte we sent to its handshake arriving.
struct PeerProbe {
  PublicKey key;
  std::chrono::nanoseconds rtt{0};
};

// The remote queries of the NodeInfo and debug protocols.
enum class RemoteQuery { NodeInfo, Self, Peers, Tree };

// A remote query's answer. json: the NodeInfo object (NodeInfo), the remote
// getSelf object (Self), or ["<key hex>", ...] (Peers, Tree).
struct RemoteReply {
  std::string json;
  std::chrono::nanoseconds rtt{0};
};

// The result of an asynchronous call: an error, or a value.
template <class T>
struct Outcome {
  std::optional<Error> error;
  T value{};
  bool ok() const noexcept { return !error.has_value(); }
};

// ---- the interfaces -----------------------------------------------------

class NetworkInterface {
 public:
  virtual ~NetworkInterface() = default;
  // network: "tcp", "tcp6", "udp", "udp6". address: "[200:…]:port".
  virtual std::unique_ptr<Conn> dial(std::string_view network, std::string_view address,
                                     const DialOptions& options = {}) = 0;
  // network: "tcp"/"tcp6". address: ":port" or "[<node address>]:port"; port 0 = ephemeral.
  virtual std::unique_ptr<Listener> listen(std::string_view network, std::string_view address) = 0;
  // network: "udp"/"udp6".
  virtual std::unique_ptr<PacketConn> listenPacket(std::string_view network, std::string_view address) = 0;
  virtual Ip6Address address() const = 0;   // the node's 200::/7 address
  virtual Ip6Address subnet() const = 0;    // the first address of its 300::/64 (prefix length 64)
  virtual PublicKey publicKey() const = 0;
  virtual std::uint64_t mtu() const = 0;    // the stack's MTU
};

class PeerInterface {
 public:
  virtual ~PeerInterface() = default;
  // Adds a persistent outbound peer; Errc::AlreadyExists, Errc::InvalidArgument
  // (bad URI or option), Errc::NotSupported (e.g. quic://).
  virtual void addPeer(std::string_view uri, std::string_view sourceInterface = {}) = 0;
  // Stops reconnecting and closes the link; Errc::NotFound when not configured.
  virtual void removePeer(std::string_view uri, std::string_view sourceInterface = {}) = 0;
  virtual std::vector<PeerInfo> getPeers() const = 0;
  // Cuts every backoff short: disconnected peers are dialled now.
  virtual void retryPeers() = 0;

  // Peer link events. The handler runs on the node's link-manager thread, one
  // event at a time in order; it must return quickly and must not call back
  // into the node and wait (post the work elsewhere). Returns an id for
  // unsubscribePeerEvents.
  using PeerEventHandler = std::function<void(const PeerEvent&)>;
  virtual std::uint64_t subscribePeerEvents(PeerEventHandler handler) = 0;
  // Once this returns the handler is not running and is never called again
  // (from another thread it waits for a running call; from inside the
  // handler itself the current call simply finishes). Unknown ids are ignored.
  virtual void unsubscribePeerEvents(std::uint64_t id) = 0;

  // Dials `uri` and runs the link handshake without adding a peer, then
  // closes. `done` runs exactly once, on a node thread (return quickly):
  // with the key and round-trip time, or with the error (Errc::Timeout after
  // `timeout`, Errc::InvalidArgument for a bad URI, the dial or handshake
  // error otherwise, Errc::Closed when the node closes first).
  using ProbeCallback = std::function<void(Outcome<PeerProbe>)>;
  virtual void probePeer(std::string_view uri, std::chrono::milliseconds timeout, ProbeCallback done) = 0;
};

class MulticastInterface {
 public:
  virtual ~MulticastInterface() = default;
  // Starts link-local discovery with the configured MulticastInterfaces.
  // Errc::AlreadyExists when running.
  virtual void enableMulticast() = 0;
  virtual void disableMulticast() = 0;  // no-op when stopped
  virtual std::vector<MulticastInterfaceInfo> multicastInterfaces() const = 0;
};

class AdminInterface {
 public:
  virtual ~AdminInterface() = default;
  // Handler: receives the request's "arguments" object as JSON text and
  // returns the "response" object as JSON text; throws rtk::Error to answer
  // with {"status":"error"}.
  using AdminHandler = std::function<std::string(std::string_view argumentsJson)>;
  // address: "unix:///path" or "tcp://host:port". Errc::AlreadyExists when running.
  virtual void enableAdmin(std::string_view address) = 0;
  virtual void disableAdmin() = 0;
  // Registers an extra admin command (case-insensitive name).
  // Errc::AlreadyExists when the name is taken (built-in commands included).
  virtual void addAdminHandler(std::string_view name, std::string_view description,
                               std::vector<std::string> fields, AdminHandler handler) = 0;
  // Removes a command added with addAdminHandler. Once this returns the
  // handler is not running and is never called again (calls in progress are
  // waited for, except a call on the caller's own thread: another admin
  // command may remove this one). Errc::NotFound when no such added command
  // exists; built-in commands cannot be removed.
  virtual void removeAdminHandler(std::string_view name) = 0;
};

class DiagnosticInterface {
 public:
  virtual ~DiagnosticInterface() = default;
  virtual SelfInfo getSelf() const = 0;
  virtual std::vector<TreeEntry> getTree() const = 0;
  virtual std::vector<PathEntry> getPaths() const = 0;
  virtual std::vector<SessionEntry> getSessions() const = 0;
  // Starts a path lookup for the key (fire and forget).
  virtual void sendLookup(const PublicKey& key) = 0;
  // Asks a remote node for its NodeInfo; Errc::Timeout after `timeout`.
  virtual NodeInfoReply getNodeInfo(const PublicKey& key, std::chrono::milliseconds timeout) = 0;
  // The debug protocol: remote self / peers / tree, as the JSON text that
  // yggdrasilctl's debug_remoteGet* commands print under the node's address.
  virtual std::string remoteGetSelf(const PublicKey& key, std::chrono::milliseconds timeout) = 0;
  virtual std::vector<PublicKey> remoteGetPeers(const PublicKey& key, std::chrono::milliseconds timeout) = 0;
  virtual std::vector<PublicKey> remoteGetTree(const PublicKey& key, std::chrono::milliseconds timeout) = 0;

  // Any of the four remote queries without blocking a thread. `done` runs
  // exactly once on the node's proto thread (return quickly; post longer
  // work elsewhere): with the reply, Errc::Timeout after `timeout`, or
  // Errc::Closed when the node closes first. Any number may be in flight.
  using RemoteCallback = std::function<void(Outcome<RemoteReply>)>;
  virtual void queryRemote(RemoteQuery query, const PublicKey& key, std::chrono::milliseconds timeout,
                           RemoteCallback done) = 0;
};

class NodeInfoInterface {
 public:
  virtual ~NodeInfoInterface() = default;
  // Our NodeInfo exactly as other nodes receive it (compact JSON object,
  // build keys included unless NodeInfoPrivacy is on).
  virtual std::string nodeInfo() const = 0;
  // Replaces the user part of our NodeInfo (what NodeConfig::nodeInfo set).
  // The same rules as the conf: a JSON object, at most 16384 bytes once the
  // build keys are added; Errc::InvalidArgument when it is not an object or
  // sets a build key ("buildname", "buildversion", "buildplatform",
  // "buildarch") while NodeInfoPrivacy is off, Errc::MessageTooLarge over the
  // budget. Answers to requests that arrive afterwards carry the new value.
  virtual void setNodeInfo(std::string_view json) = 0;
};

class NodeInterface : public NetworkInterface,
                      public PeerInterface,
                      public MulticastInterface,
                      public AdminInterface,
                      public DiagnosticInterface,
                      public NodeInfoInterface {
 public:
  // Idempotent; stops everything the node runs.
  virtual void close() = 0;
};

}  // namespace rtk
