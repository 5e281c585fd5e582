// What the probe engine needs of the node, narrowed to one interface so the
// engine is tested against a scripted fake. NodeUpstream is the real one,
// over the diagnostics and peers services (or an embedded node's interfaces).
//
// query() is asynchronous: it returns at once and `done` runs exactly once,
// on another thread (the plugin's callback thread) or, in fakes, inline.
// Thread-safety: every function may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <vector>

#include "ratatoskr/node_interface.hpp"

namespace rtk::probe {

struct LocalPeer {
  PublicKey key;
  std::uint64_t port = 0;
  std::chrono::nanoseconds latency{0};
};

class ProbeUpstream {
 public:
  using QueryDone = std::function<void(Outcome<RemoteReply>)>;
  virtual ~ProbeUpstream() = default;
  virtual PublicKey selfKey() const = 0;
  virtual std::vector<LocalPeer> upPeers() const = 0;  // up links with a key
  virtual std::vector<TreeEntry> tree() const = 0;
  virtual std::vector<PathEntry> paths() const = 0;
  virtual void lookup(const PublicKey& key) = 0;
  virtual void query(RemoteQuery kind, const PublicKey& key, std::chrono::milliseconds timeout, QueryDone done) = 0;
};

class NodeUpstream final : public ProbeUpstream {
 public:
  NodeUpstream(DiagnosticInterface& diagnostics, PeerInterface& peers) : diag_(diagnostics), peers_(peers) {}

  PublicKey selfKey() const override { return diag_.getSelf().key; }
  std::vector<LocalPeer> upPeers() const override {
    std::vector<LocalPeer> out;
    for (const auto& p : peers_.getPeers()) {
      if (p.up && p.key != PublicKey{}) out.push_back(LocalPeer{p.key, p.port, p.latency});
    }
    return out;
  }
  std::vector<TreeEntry> tree() const override { return diag_.getTree(); }
  std::vector<PathEntry> paths() const override { return diag_.getPaths(); }
  void lookup(const PublicKey& key) override { diag_.sendLookup(key); }
  void query(RemoteQuery kind, const PublicKey& key, std::chrono::milliseconds timeout, QueryDone done) override {
    diag_.queryRemote(kind, key, timeout, std::move(done));
  }

 private:
  DiagnosticInterface& diag_;
  PeerInterface& peers_;
};

}  // namespace rtk::probe
