// rtk::Node: the facade over Core (the Yggdrasil layers), the netstack (TCP
// and UDP) and the admin socket. See sdk/include/ratatoskr/node.hpp.
#include "ratatoskr/node.hpp"

#include <algorithm>
#include <mutex>
#include <optional>

#include "CancelCloser.hpp"
#include "CoreStopper.hpp"
#include "NodeCounters.hpp"
#include "core/admin/AdminServer.hpp"
#include "core/admin/BuiltinHandlers.hpp"
#include "core/node/Core.hpp"
#include "core/multicast/Multicast.hpp"
#include "core/node/NodeKey.hpp"
#include "core/proto/NodeInfo.hpp"
#include "netstack/Netstack.hpp"
#include "ratatoskr/error.hpp"

namespace rtk {

namespace {

void refuseUnavailableOptions(const NodeOptions& options) {
  if (options.peerManager) {
    if (options.config && !options.config->peers.empty())
      throw Error(Errc::Config, "NodeOptions: Peers are set in both NodeConfig and the peer manager (choose one)");
    throw Error(Errc::NotSupported, "NodeOptions.peerManager: the peer manager is not available yet");
  }
  if (!options.sigils.empty())
    throw Error(Errc::NotSupported, "NodeOptions.sigils: sigils are not available in the library yet; "
                                    "put the fields in NodeConfig::nodeInfo");
}

struct ExtraHandler {
  std::string name, description;
  std::vector<std::string> fields;
  NodeInterface::AdminHandler handler;
};

}  // namespace

struct Node::Impl {
  NodeOptions options;
  Log log;
  std::shared_ptr<core::node::Core> core;  // shared with the stopper
  std::unique_ptr<netstack::Netstack> stack;
  // Declared after the core and the netstack: destroyed (joined) before them.
  std::unique_ptr<CoreStopper> stopper;  // only with a coreStopTimeout
  std::shared_ptr<CancelCloser> cancelCloser = std::make_shared<CancelCloser>();

  mutable std::mutex adminMutex;
  // Null when off. Shared: removeAdminHandler waits for running calls with
  // adminMutex released, while disableAdmin may drop the server meanwhile.
  std::shared_ptr<core::admin::AdminServer> admin;
  // Every command added with addAdminHandler, for an admin server started later.
  std::vector<ExtraHandler> extraHandlers;

  std::vector<MulticastInterfaceConfig> multicastConfig;  // NodeConfig's, for enableMulticast
  mutable std::mutex multicastMutex;
  std::unique_ptr<core::multicast::Multicast> multicast;  // null when off

  std::atomic<bool> closed{false};
  std::once_flag closeOnce;
  std::string closeErrors;  // joined; written once inside closeOnce
  CancelRegistration cancelRegistration;

  void throwIfClosed() const {
    if (closed.load(std::memory_order_acquire)) throw Error(Errc::Closed, "node closed");
  }
  void stopCore(std::vector<std::string>& errors);
};

namespace {

template <typename F>
void collect(std::vector<std::string>& errors, const char* component, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    errors.push_back(std::string(component) + ": " + e.what());
  }
}

}  // namespace

void Node::Impl::stopCore(std::vector<std::string>& errors) {
  if (options.coreStopTimeout.count() <= 0) {
    collect(errors, "core", [&] { core->stop(); });
    return;
  }
  // Joined, not detached (see CoreStopper.hpp): close() returns at the
  // deadline, the node's destructor waits for the stop to finish.
  stopper = std::make_unique<CoreStopper>(core);
  bool finished = true;  // also when the stop failed: collect reports that
  collect(errors, "core", [&] { finished = stopper->waitFor(options.coreStopTimeout); });
  if (!finished)
    errors.push_back("core: did not stop within " + std::to_string(options.coreStopTimeout.count()) +
                     " ms (still stopping in the background)");
}

std::shared_ptr<Node> Node::create(NodeOptions options) {
  refuseUnavailableOptions(options);
  auto impl = std::make_unique<Impl>();
  impl->log = Log(options.logger, "node");
  NodeConfig config = options.config.value_or(NodeConfig{});
  auto key = core::node::loadNodeKey(config);
  impl->log.info("key from ", key.source, "; public key ", key.key.publicKey().hex());
  impl->multicastConfig = config.multicastInterfaces;

  core::node::CoreSettings settings{key.key, config, impl->log};
  impl->core = std::make_shared<core::node::Core>(std::move(settings));
  impl->stack = std::make_unique<netstack::Netstack>(impl->core->packets(), impl->log.child("netstack"));
  impl->options = std::move(options);

  std::shared_ptr<Node> node(new Node(std::move(impl)));
  try {
    if (!config.adminListen.empty() && config.adminListen != "none") node->enableAdmin(config.adminListen);
  } catch (...) {
    node->impl_->closed = true;  // the destructor's close() must not hide this error
    try {
      node->close();
    } catch (const std::exception& e) {
      node->impl_->log.warn("closing after the admin socket failed to start: ", e.what());
    }
    throw;
  }
  // The closer gets a plain pointer: ~Node joins it before the node is gone.
  Node* raw = node.get();
  node->impl_->cancelRegistration =
      node->impl_->options.cancel.onCancel([closer = node->impl_->cancelCloser, raw, log = node->impl_->log] {
        try {
          closer->fire([raw] {
            try {
              raw->close();
            } catch (const std::exception& e) {
              raw->impl_->log.warn("automatic close on cancellation: ", e.what());
            }
          });
        } catch (const std::exception& e) {
          log.error("cannot close on cancellation: ", e.what());  // the node may be gone: not raw
        }
      });
  node->impl_->log.info("node started: address ", formatAddress(node->address()));
  return node;
}

Node::Node(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Node::~Node() {
  impl_->cancelRegistration.reset();
  impl_->cancelCloser->disarmAndJoin();
  try {
    close();
  } catch (const std::exception&) {
    // Reported to the first caller of close(); a destructor cannot throw.
  }
}

void Node::close() {
  std::call_once(impl_->closeOnce, [this] {
    impl_->closed.store(true, std::memory_order_release);
    std::vector<std::string> errors;
    collect(errors, "admin", [&] {
      std::lock_guard lock(impl_->adminMutex);
      if (impl_->admin) impl_->admin->stop();
    });
    collect(errors, "multicast", [&] {
      std::lock_guard lock(impl_->multicastMutex);
      if (impl_->multicast) impl_->multicast->stop();
    });
    collect(errors, "ninfo", [&] { impl_->core->proto().stop(); });
    impl_->stopCore(errors);
    collect(errors, "netstack", [&] { impl_->stack->close(); });
    for (const auto& e : errors) {
      if (!impl_->closeErrors.empty()) impl_->closeErrors += "; ";
      impl_->closeErrors += e;
    }
    impl_->log.info("node closed", errors.empty() ? "" : " with errors: ", impl_->closeErrors);
  });
  if (!impl_->closeErrors.empty()) throw Error(Errc::Unknown, "close: " + impl_->closeErrors);
}

bool Node::closed() const { return impl_->closed.load(std::memory_order_acquire); }

// ---- network ----

std::unique_ptr<Conn> Node::dial(std::string_view network, std::string_view address, const DialOptions& options) {
  impl_->throwIfClosed();
  return impl_->stack->dial(network, address, options);
}

std::unique_ptr<Listener> Node::listen(std::string_view network, std::string_view address) {
  impl_->throwIfClosed();
  return impl_->stack->listen(network, address);
}

std::unique_ptr<PacketConn> Node::listenPacket(std::string_view network, std::string_view address) {
  impl_->throwIfClosed();
  return impl_->stack->listenPacket(network, address);
}

Ip6Address Node::address() const { return impl_->core->packets().address(); }
Ip6Address Node::subnet() const { return impl_->core->packets().subnet(); }
PublicKey Node::publicKey() const { return impl_->core->publicKey(); }
std::uint64_t Node::mtu() const { return impl_->core->packets().mtu(); }

// ---- peers ----

void Node::addPeer(std::string_view uri, std::string_view sourceInterface) {
  impl_->throwIfClosed();
  impl_->core->links().addPeer(uri, sourceInterface);
}

void Node::removePeer(std::string_view uri, std::string_view sourceInterface) {
  impl_->throwIfClosed();
  impl_->core->links().removePeer(uri, sourceInterface);
}

std::vector<PeerInfo> Node::getPeers() const {
  if (closed()) return {};
  return impl_->core->links().getPeers();
}

std::vector<std::string> Node::listeners() const {
  if (closed()) return {};
  std::vector<std::string> uris;
  for (const auto& l : impl_->core->links().listeners()) uris.push_back(l.uri);
  return uris;
}

void Node::retryPeers() {
  impl_->throwIfClosed();
  impl_->core->links().retryPeers();
}

// ---- multicast ----

void Node::enableMulticast() {
  std::lock_guard lock(impl_->multicastMutex);
  // Checked under the lock, as enableAdmin: nothing starts after close().
  impl_->throwIfClosed();
  if (impl_->multicast) throw Error(Errc::AlreadyExists, "multicast discovery is already running");
  if (impl_->multicastConfig.empty())
    throw Error(Errc::Config, "multicast: MulticastInterfaces is empty, nothing to discover on");
  core::multicast::MulticastSettings settings;
  settings.key = impl_->core->publicKey();
  settings.interfaces = impl_->multicastConfig;
  settings.log = impl_->log.child("multicast");
  impl_->multicast = std::make_unique<core::multicast::Multicast>(std::move(settings), impl_->core->links());
}

void Node::disableMulticast() {
  std::unique_ptr<core::multicast::Multicast> running;
  {
    std::lock_guard lock(impl_->multicastMutex);
    running = std::move(impl_->multicast);
  }
  if (running) running->stop();
}

std::vector<MulticastInterfaceInfo> Node::multicastInterfaces() const {
  std::lock_guard lock(impl_->multicastMutex);
  return impl_->multicast ? impl_->multicast->interfaces() : std::vector<MulticastInterfaceInfo>{};
}

// ---- admin ----

void Node::enableAdmin(std::string_view address) {
  std::lock_guard lock(impl_->adminMutex);
  // Checked under the lock: close() marks the node closed before it takes
  // this lock to stop the server, so no server can start after that.
  impl_->throwIfClosed();
  if (impl_->admin) throw Error(Errc::AlreadyExists, "admin socket already running on " + impl_->admin->boundAddress());
  auto server = std::make_shared<core::admin::AdminServer>(impl_->log.child("admin"));
  core::admin::BuiltinHandlers::install(server->dispatcher(), *this);
  for (const auto& h : impl_->extraHandlers) server->addHandler(h.name, h.description, h.fields, h.handler);
  server->start(address);
  impl_->log.info("admin socket listening on ", server->boundAddress());
  impl_->admin = std::move(server);
}

void Node::disableAdmin() {
  std::shared_ptr<core::admin::AdminServer> server;
  {
    std::lock_guard lock(impl_->adminMutex);
    server = std::move(impl_->admin);
  }
  if (server) server->stop();
}

void Node::addAdminHandler(std::string_view name, std::string_view description, std::vector<std::string> fields,
                           AdminHandler handler) {
  impl_->throwIfClosed();
  std::lock_guard lock(impl_->adminMutex);
  const std::string key = core::admin::AdminDispatcher::lowercase(name);
  for (const auto& h : impl_->extraHandlers)
    if (core::admin::AdminDispatcher::lowercase(h.name) == key)
      throw Error(Errc::AlreadyExists, "admin: handler already exists: " + key);
  if (impl_->admin) {
    impl_->admin->addHandler(name, description, fields, handler);
  } else {
    // No server yet: check the name against the built-in commands (and the
    // empty name / handler rules) the way a running server would.
    core::admin::AdminDispatcher check;
    core::admin::BuiltinHandlers::install(check, *this);
    check.addHandler(name, description, fields, handler);
  }
  impl_->extraHandlers.push_back({std::string(name), std::string(description), std::move(fields), std::move(handler)});
}

void Node::removeAdminHandler(std::string_view name) {
  impl_->throwIfClosed();
  const std::string key = core::admin::AdminDispatcher::lowercase(name);
  std::shared_ptr<core::admin::AdminServer> server;
  {
    std::lock_guard lock(impl_->adminMutex);
    auto& extra = impl_->extraHandlers;
    auto it = std::find_if(extra.begin(), extra.end(),
                           [&](const ExtraHandler& h) { return core::admin::AdminDispatcher::lowercase(h.name) == key; });
    if (it == extra.end()) throw Error(Errc::NotFound, "admin: remove " + key + ": no such added command");
    extra.erase(it);
    server = impl_->admin;
  }
  // Waits for calls in progress on the server's client threads; adminMutex is
  // not held, so a handler that calls back into the node cannot deadlock us.
  if (server) server->removeHandler(name);
}

std::string Node::adminAddress() const {
  std::lock_guard lock(impl_->adminMutex);
  return impl_->admin ? impl_->admin->boundAddress() : std::string();
}

// ---- diagnostics ----

SelfInfo Node::getSelf() const {
  if (closed()) return {};
  return impl_->core->router().getSelf();
}

std::vector<TreeEntry> Node::getTree() const {
  if (closed()) return {};
  return impl_->core->router().getTree();
}

std::vector<PathEntry> Node::getPaths() const {
  if (closed()) return {};
  return impl_->core->router().getPaths();
}

std::vector<SessionEntry> Node::getSessions() const {
  if (closed()) return {};
  return impl_->core->sessions().getSessions();
}

void Node::sendLookup(const PublicKey& key) {
  impl_->throwIfClosed();
  impl_->core->router().sendLookup(key);
}

NodeInfoReply Node::getNodeInfo(const PublicKey& key, std::chrono::milliseconds timeout) {
  impl_->throwIfClosed();
  return impl_->core->proto().getNodeInfo(key, timeout);
}

std::string Node::remoteGetSelf(const PublicKey& key, std::chrono::milliseconds timeout) {
  impl_->throwIfClosed();
  return impl_->core->proto().remoteGetSelf(key, timeout);
}

std::vector<PublicKey> Node::remoteGetPeers(const PublicKey& key, std::chrono::milliseconds timeout) {
  impl_->throwIfClosed();
  return impl_->core->proto().remoteGetPeers(key, timeout);
}

std::vector<PublicKey> Node::remoteGetTree(const PublicKey& key, std::chrono::milliseconds timeout) {
  impl_->throwIfClosed();
  return impl_->core->proto().remoteGetTree(key, timeout);
}

std::string Node::nodeInfo() const { return impl_->core->proto().nodeInfo(); }

void Node::setNodeInfo(std::string_view json) {
  impl_->throwIfClosed();
  impl_->core->proto().setNodeInfo(json);
}

std::string Node::publishedNodeInfo(std::string_view nodeInfoJson, bool privacy) {
  return core::proto::NodeInfo::preview(nodeInfoJson, privacy);
}

void Node::queryRemote(RemoteQuery query, const PublicKey& key, std::chrono::milliseconds timeout,
                       RemoteCallback done) {
  impl_->throwIfClosed();
  impl_->core->proto().queryRemote(query, key, timeout, std::move(done));
}

// ---- peer events and probes ----

std::uint64_t Node::subscribePeerEvents(PeerEventHandler handler) {
  impl_->throwIfClosed();
  return impl_->core->links().subscribePeerEvents(std::move(handler));
}

void Node::unsubscribePeerEvents(std::uint64_t id) {
  // Also after close: the handler is forgotten either way.
  impl_->core->links().unsubscribePeerEvents(id);
}

void Node::probePeer(std::string_view uri, std::chrono::milliseconds timeout, ProbeCallback done) {
  impl_->throwIfClosed();
  impl_->core->links().probePeer(uri, timeout, std::move(done));
}

std::vector<NodeCounter> Node::counters() const {
  if (closed()) return {};
  std::optional<core::multicast::MulticastStats> multicast;
  {
    std::lock_guard lock(impl_->multicastMutex);
    if (impl_->multicast) multicast = impl_->multicast->stats();
  }
  return nodeCounters(*impl_->core, *impl_->stack, multicast ? &*multicast : nullptr);
}

NodeSnapshot Node::snapshot() const {
  NodeSnapshot s;
  s.address = formatAddress(address());
  s.subnet = formatAddress(subnet()) + "/64";
  s.publicKey = publicKey().hex();
  s.mtu = mtu();
  for (const auto& p : getPeers()) {
    PeerSnapshot ps;
    ps.uri = p.uri;
    ps.up = p.up;
    ps.inbound = p.inbound;
    if (p.up) ps.key = p.key.hex();
    ps.latency = p.latency;
    ps.cost = p.cost;
    ps.rxBytes = p.rxBytes;
    ps.txBytes = p.txBytes;
    ps.uptime = p.uptime;
    ps.lastError = p.lastError;
    ps.lastErrorTime = p.lastErrorTime;
    s.peers.push_back(std::move(ps));
  }
  return s;
}

}  // namespace rtk
