#include "core/node/Core.hpp"

#include <algorithm>

#include "core/session/SessionWire.hpp"
#include "ratatoskr/address.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::node {

// The headroom a packet writer leaves is exactly what the keystore's type
// byte and the session's largest traffic header take.
static_assert(ipv6::PacketInterface::kWriteHeadroom == 1 + session::kTrafficOverhead);

namespace {

std::vector<PublicKey> parseAllowedKeys(const std::vector<std::string>& hexKeys) {
  std::vector<PublicKey> keys;
  keys.reserve(hexKeys.size());
  for (const auto& text : hexKeys) {
    auto key = PublicKey::fromHex(text);
    if (!key) throw Error(Errc::Config, "AllowedPublicKeys: \"" + text + "\" is not a 64-digit hex public key");
    keys.push_back(*key);
  }
  return keys;
}

template <typename T, typename F>
std::vector<PublicKey> keysOf(const std::vector<T>& items, F key) {
  std::vector<PublicKey> keys;
  keys.reserve(items.size());
  for (const auto& item : items) keys.push_back(key(item));
  return keys;
}

}  // namespace

Core::Core(CoreSettings settings) : key_(std::move(settings.key)), log_(std::move(settings.log)) {
  const NodeConfig& config = settings.config;
  auto allowed = parseAllowedKeys(config.allowedPublicKeys);

  router::RouterConfig routerConfig;
  routerConfig.signingKey = key_;
  routerConfig.bloomTransform = [](const PublicKey& key) { return address::bloomTransform(key); };
  routerConfig.pathNotify = [this](const PublicKey& key) {
    if (auto* store = pathNotifyTarget_.load(std::memory_order_acquire)) store->pathNotify(key);
  };
  routerConfig.log = log_.child("router");
  router_ = std::make_unique<router::Router>(std::move(routerConfig));

  sessions_ = std::make_unique<session::SessionManager>(key_, *router_, log_.child("sessions"));

  ipv6::KeyStore::Hooks storeHooks;
  storeHooks.send = [this](const PublicKey& dest, OffsetBytes message) {
    sessions_->writeTo(dest, std::move(message));
  };
  storeHooks.sendLookup = [this](const PublicKey& partialKey) { router_->sendLookup(partialKey); };
  ipv6::KeyStore::Options storeOptions;
  storeOptions.maxMtuBytes = coreMtu();
  keystore_ = std::make_unique<ipv6::KeyStore>(publicKey(), std::move(storeHooks), storeOptions, log_.child("ipv6"));
  keystore_->setMtu(config.ifMTU);
  pathNotifyTarget_.store(keystore_.get(), std::memory_order_release);

  proto::ProtoHandler::Hooks protoHooks;
  protoHooks.send = [this](const PublicKey& dest, Bytes message) { sessions_->writeTo(dest, std::move(message)); };
  protoHooks.getSelf = [this] { return router_->getSelf(); };
  protoHooks.getPeerKeys = [this] {
    return keysOf(router_->getPeers(), [](const router::PeerEndpointInfo& p) { return p.key; });
  };
  protoHooks.getTreeKeys = [this] {
    return keysOf(router_->getTree(), [](const TreeEntry& e) { return e.key; });
  };
  protoHooks.mtu = [this] { return coreMtu(); };
  proto::ProtoHandler::Options protoOptions;
  protoOptions.nodeInfo = config.nodeInfo;
  protoOptions.nodeInfoPrivacy = config.nodeInfoPrivacy;
  proto_ = std::make_unique<proto::ProtoHandler>(std::move(protoHooks), std::move(protoOptions), log_.child("proto"));

  sessions_->setReceiveHandler(
      [this](const PublicKey& from, OffsetBytes message) { onSessionMessage(from, std::move(message)); });

  link::LinkManagerSettings linkSettings;
  linkSettings.key = key_;
  linkSettings.allowedPublicKeys = std::move(allowed);
  linkSettings.log = log_.child("links");
  links_ = std::make_unique<link::LinkManager>(std::move(linkSettings), *router_);
  try {
    startLinks(config);
  } catch (...) {
    stop();
    throw;
  }
}

Core::~Core() { stop(); }

void Core::startLinks(const NodeConfig& config) {
  for (const auto& uri : config.listen) {
    auto bound = links_->listen(uri);
    log_.info("listening on ", bound.uri);
  }
  for (const auto& uri : config.peers) links_->addPeer(uri);
  for (const auto& [interface, uris] : config.interfacePeers)
    for (const auto& uri : uris) links_->addPeer(uri, interface);
}

std::uint64_t Core::coreMtu() const {
  auto sessionMtu = sessions_->mtu();
  return std::min<std::uint64_t>(sessionMtu > 0 ? sessionMtu - 1 : 0, 65535);
}

void Core::onSessionMessage(const PublicKey& from, OffsetBytes message) {
  if (message.empty()) return;
  switch (static_cast<SessionMessageType>(message[0])) {
    case SessionMessageType::Traffic:
      keystore_->handleMessage(from, std::move(message));
      return;
    case SessionMessageType::Proto:
      proto_->handleMessage(from, std::move(message).take());
      return;
    case SessionMessageType::Dummy:
      return;
  }
  if (log_.enabled(LogLevel::Debug))
    log_.debug("from ", from.hex(), ": dropping a session message of unknown type ", int(message[0]));
}

void Core::stop() {
  std::lock_guard lock(stopMutex_);
  if (stopped_) return;
  stopped_ = true;
  if (links_) links_->stop();
  if (proto_) proto_->stop();
  if (sessions_) sessions_->close();
  pathNotifyTarget_.store(nullptr, std::memory_order_release);
  if (router_) router_->stop();
}

}  // namespace rtk::core::node
