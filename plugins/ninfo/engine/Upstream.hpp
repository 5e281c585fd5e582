// Upstream — what the asker needs of the node: NodeInfo calls without
// blocking a thread, the keys it knows (peers, sessions, paths) and path
// lookups. NodeUpstream maps it onto the SDK's interfaces, so the same
// engine runs in the plugin (service clients) and in libratatoskr (the
// rtk::Node itself); tests use tests/common/FakeNode.
// Thread-safety: every member from any thread (the asker calls them on its
// own thread); `done` may run on any thread, exactly once.
#pragma once

#include <chrono>
#include <functional>
#include <vector>

#include "ratatoskr/log.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk::ninfo {

class Upstream {
 public:
  using Reply = std::function<void(Outcome<RemoteReply>)>;
  virtual ~Upstream() = default;
  virtual void queryNodeInfo(const PublicKey& key, std::chrono::milliseconds timeout, Reply done) = 0;
  // Keys of up peers, sessions and paths; a failing source counts as empty.
  virtual std::vector<PublicKey> knownKeys() = 0;
  // Keys of paths only (what a lookup adds).
  virtual std::vector<PublicKey> pathKeys() = 0;
  // Starts a lookup for the partial key an address or subnet gives.
  virtual void sendLookup(const PublicKey& partialKey) = 0;
};

class NodeUpstream final : public Upstream {
 public:
  NodeUpstream(DiagnosticInterface& diagnostics, PeerInterface& peers, Log log)
      : diagnostics_(diagnostics), peers_(peers), log_(std::move(log)) {}

  void queryNodeInfo(const PublicKey& key, std::chrono::milliseconds timeout, Reply done) override {
    diagnostics_.queryRemote(RemoteQuery::NodeInfo, key, timeout, std::move(done));
  }
  std::vector<PublicKey> knownKeys() override {
    std::vector<PublicKey> keys;
    guarded("getPeers", [&] {
      for (const auto& p : peers_.getPeers())
        if (p.up) keys.push_back(p.key);
    });
    guarded("getSessions", [&] {
      for (const auto& s : diagnostics_.getSessions()) keys.push_back(s.key);
    });
    auto paths = pathKeys();
    keys.insert(keys.end(), paths.begin(), paths.end());
    return keys;
  }
  std::vector<PublicKey> pathKeys() override {
    std::vector<PublicKey> keys;
    guarded("getPaths", [&] {
      for (const auto& p : diagnostics_.getPaths()) keys.push_back(p.key);
    });
    return keys;
  }
  void sendLookup(const PublicKey& partialKey) override {
    guarded("sendLookup", [&] { diagnostics_.sendLookup(partialKey); });
  }

 private:
  template <class F>
  void guarded(const char* what, F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      log_.debug(what, " failed while resolving an address: ", e.what());
    }
  }

  DiagnosticInterface& diagnostics_;
  PeerInterface& peers_;
  Log log_;
};

}  // namespace rtk::ninfo
