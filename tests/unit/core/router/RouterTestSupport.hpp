// Test doubles for the router: a scripted remote peer driven by the test
// thread, and a threaded fake link that pumps one router's takeOutbound
// bytes, split into frames, into another router's handleFrame.
#pragma once

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto/Ed25519.hpp"
#include "core/router/Router.hpp"
#include "core/wire/Announce.hpp"
#include "core/wire/Frame.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::test {

using namespace std::chrono_literals;
using core::Bytes;
using core::ByteView;
using core::router::Router;
using core::router::RouterConfig;
using core::wire::PacketType;

// A key from a one-byte seed: deterministic across runs.
inline core::crypto::SigningKey seededKey(std::uint8_t seed) {
  Bytes s(32);
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<std::uint8_t>(seed * 29 + i * 7 + 1);
  return core::crypto::SigningKey::fromSeed(s);
}

// `count` keys in ascending public-key order (index 0 is the would-be root).
inline std::vector<core::crypto::SigningKey> sortedKeys(std::size_t count, std::uint8_t firstSeed = 1) {
  std::vector<core::crypto::SigningKey> keys;
  for (std::size_t i = 0; i < count; ++i) keys.push_back(seededKey(static_cast<std::uint8_t>(firstSeed + i)));
  std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.publicKey() < b.publicKey(); });
  return keys;
}

// Test defaults: the real node's timings except a faster maintenance tick
// and lookup throttle, so networks settle in a second or two.
inline RouterConfig testConfig(const core::crypto::SigningKey& key) {
  RouterConfig c;
  c.signingKey = key;
  c.maintenanceInterval = 100ms;
  c.pathThrottle = 100ms;
  return c;
}

// Polls `pred` until it holds or `timeout` passes (test code only).
inline bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 20s) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

template <class T>
Bytes frameOf(PacketType type, const T& body) {
  Bytes f{static_cast<std::uint8_t>(type)};
  body.encode(f);
  return f;
}

// A remote node played by the test: it reads what the router queued for it
// and hands the router frames of its choosing.
class ScriptedPeer : public core::router::PeerTransport, public std::enable_shared_from_this<ScriptedPeer> {
 public:
  explicit ScriptedPeer(core::crypto::SigningKey key) : key_(std::move(key)) {}

  void wakeWriter() override {
    std::lock_guard lock(mutex_);
    woken_ = true;
    cv_.notify_all();
  }
  void closeTransport(const std::string& reason) override {
    std::lock_guard lock(mutex_);
    closed_ = true;
    closeReason_ = reason;
    cv_.notify_all();
  }

  // Attaches to `router` as a link with this peer's key.
  void connect(Router& router, std::uint8_t priority = 0) {
    endpoint = router.addPeer(key_.publicKey(), priority, shared_from_this());
  }

  const core::crypto::SigningKey& key() const { return key_; }
  const PublicKey& publicKey() const { return key_.publicKey(); }

  // Everything the router has queued for us so far.
  void pull() {
    Bytes out;
    while (endpoint->takeOutbound(out, 1 << 20) > 0) {
    }
    splitter_.feed(out);
    while (auto f = splitter_.next()) frames_.emplace_back(f->begin(), f->end());
  }
  // The next frame of `type` (others stay queued), waiting up to `timeout`.
  Bytes waitFor(PacketType type, std::chrono::milliseconds timeout = 5s) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      pull();
      for (auto it = frames_.begin(); it != frames_.end(); ++it) {
        if ((*it)[0] == static_cast<std::uint8_t>(type)) {
          Bytes f = std::move(*it);
          frames_.erase(it);
          return f;
        }
      }
      std::unique_lock lock(mutex_);
      if (!cv_.wait_until(lock, end, [this] { return woken_; })) {
        CPPUNIT_FAIL("no frame of type " + std::to_string(int(type)) + " arrived");
      }
      woken_ = false;
    }
  }
  // Frames of `type` received so far (consumes them).
  std::vector<Bytes> take(PacketType type) {
    pull();
    std::vector<Bytes> out;
    for (auto it = frames_.begin(); it != frames_.end();) {
      if ((*it)[0] == static_cast<std::uint8_t>(type)) {
        out.push_back(std::move(*it));
        it = frames_.erase(it);
      } else {
        ++it;
      }
    }
    return out;
  }
  void clearFrames() {
    pull();
    frames_.clear();
  }

  template <class T>
  void send(PacketType type, const T& body) {
    const Bytes f = frameOf(type, body);
    endpoint->handleFrame(f);
  }
  void sendRaw(const Bytes& frame) { endpoint->handleFrame(frame); }

  // Our announcement as a root (parent = ourselves, port 0).
  core::wire::Announce rootAnnounce(std::uint64_t seq) const {
    core::wire::Announce a;
    a.key = a.parent = key_.publicKey();
    a.res.req = {seq, 42};
    a.res.port = 0;
    a.res.psig = key_.sign(a.res.bytesForSig(a.key, a.parent));
    a.sig = a.res.psig;
    return a;
  }
  // The parent's response to `req` from `node` at `port`.
  core::wire::SigRes respond(const core::wire::SigReq& req, const PublicKey& node, std::uint64_t port) const {
    core::wire::SigRes r{req, port, {}};
    r.psig = key_.sign(r.bytesForSig(node, key_.publicKey()));
    return r;
  }

  bool closed() {
    std::lock_guard lock(mutex_);
    return closed_;
  }

  std::shared_ptr<core::router::PeerEndpoint> endpoint;

 private:
  core::crypto::SigningKey key_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool woken_ = false;
  bool closed_ = false;
  std::string closeReason_;
  core::wire::FrameSplitter splitter_;
  std::deque<Bytes> frames_;
};

inline std::shared_ptr<ScriptedPeer> makeScripted(const core::crypto::SigningKey& key) {
  return std::make_shared<ScriptedPeer>(key);
}

// One direction's transport: woken by its router, drained by a pump thread.
class FakeTransport : public core::router::PeerTransport {
 public:
  void wakeWriter() override {
    std::lock_guard lock(mutex);
    woken = true;
    cv.notify_all();
  }
  void closeTransport(const std::string& reason) override {
    std::lock_guard lock(mutex);
    closed = true;
    closeReason = reason;
    cv.notify_all();
  }
  std::mutex mutex;
  std::condition_variable cv;
  bool woken = false;
  bool closed = false;
  bool stopping = false;
  std::string closeReason;
};

// A link between two routers, with optional one-way delay, on two threads.
class FakeLink {
 public:
  struct Options {
    std::uint8_t priorityA = 0, priorityB = 0;
    std::chrono::milliseconds delay{0};  // per direction
  };

  FakeLink(Router& a, Router& b, Options options) : a_(a), b_(b), options_(options) {
    ta_ = std::make_shared<FakeTransport>();
    tb_ = std::make_shared<FakeTransport>();
    ea_ = a.addPeer(b.publicKey(), options.priorityA, ta_);
    eb_ = b.addPeer(a.publicKey(), options.priorityB, tb_);
    ab_ = std::thread([this] { pump(*ta_, ea_, eb_, countsAB_); });
    ba_ = std::thread([this] { pump(*tb_, eb_, ea_, countsBA_); });
  }
  ~FakeLink() { cut(); }

  // Takes the link down on both routers.
  void cut() {
    if (cut_.exchange(true)) return;
    for (auto* t : {ta_.get(), tb_.get()}) {
      std::lock_guard lock(t->mutex);
      t->stopping = true;
      t->cv.notify_all();
    }
    if (ab_.joinable()) ab_.join();
    if (ba_.joinable()) ba_.join();
    a_.removePeer(ea_);
    b_.removePeer(eb_);
  }

  // Frames of `type` carried a→b (fromA) or b→a.
  int count(PacketType type, bool fromA) const { return (fromA ? countsAB_ : countsBA_)[int(type)].load(); }
  std::string error() {
    std::lock_guard lock(errorMutex_);
    return error_;
  }
  bool closedByRouter() {
    std::lock_guard la(ta_->mutex);
    std::lock_guard lb(tb_->mutex);
    return ta_->closed || tb_->closed;
  }

 private:
  using Counts = std::array<std::atomic<int>, 16>;

  void pump(FakeTransport& t, const std::shared_ptr<core::router::PeerEndpoint>& from,
            const std::shared_ptr<core::router::PeerEndpoint>& to, Counts& counts) {
    core::wire::FrameSplitter splitter;
    Bytes out;
    for (;;) {
      {
        std::unique_lock lock(t.mutex);
        t.cv.wait(lock, [&] { return t.woken || t.closed || t.stopping; });
        if (t.closed || t.stopping) return;
        t.woken = false;
      }
      out.clear();
      from->takeOutbound(out, 256 << 10);
      if (options_.delay.count() > 0) {
        std::unique_lock lock(t.mutex);
        if (t.cv.wait_for(lock, options_.delay, [&] { return t.stopping; })) return;
      }
      splitter.feed(out);
      try {
        while (auto f = splitter.next()) {
          if (!f->empty() && (*f)[0] < counts.size()) ++counts[(*f)[0]];
          to->handleFrame(*f);
        }
      } catch (const Error& e) {
        std::lock_guard lock(errorMutex_);
        error_ = e.what();
        return;
      }
    }
  }

  Router& a_;
  Router& b_;
  Options options_;
  std::shared_ptr<FakeTransport> ta_, tb_;
  std::shared_ptr<core::router::PeerEndpoint> ea_, eb_;
  std::thread ab_, ba_;
  Counts countsAB_{}, countsBA_{};
  std::atomic<bool> cut_{false};
  std::mutex errorMutex_;
  std::string error_;
};

// What one node received through its traffic handler.
class Inbox {
 public:
  void add(const PublicKey& from, Bytes payload) {
    std::lock_guard lock(mutex_);
    got_.emplace_back(from, std::move(payload));
  }
  bool has(const PublicKey& from, const Bytes& payload) {
    std::lock_guard lock(mutex_);
    for (auto& [k, p] : got_)
      if (k == from && p == payload) return true;
    return false;
  }
  std::vector<std::pair<PublicKey, Bytes>> all() {
    std::lock_guard lock(mutex_);
    return got_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::pair<PublicKey, Bytes>> got_;
};

// Routers, one per key, plus the links between them.
class TestNetwork {
 public:
  explicit TestNetwork(std::vector<core::crypto::SigningKey> keys,
                       const std::function<void(RouterConfig&, std::size_t)>& tweak = {}) {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      auto c = testConfig(keys[i]);
      if (tweak) tweak(c, i);
      inboxes_.push_back(std::make_unique<Inbox>());
      routers_.push_back(std::make_unique<Router>(c));
      Inbox* inbox = inboxes_.back().get();
      routers_.back()->setTrafficHandler([inbox](const PublicKey& from, Bytes p) { inbox->add(from, std::move(p)); });
    }
  }
  ~TestNetwork() {
    links_.clear();
    routers_.clear();
  }

  Router& router(std::size_t i) { return *routers_.at(i); }
  Inbox& inbox(std::size_t i) { return *inboxes_.at(i); }
  std::size_t size() const { return routers_.size(); }
  PublicKey key(std::size_t i) { return routers_.at(i)->publicKey(); }

  FakeLink& link(std::size_t a, std::size_t b, FakeLink::Options o = {}) {
    auto& l = links_[{a, b}];
    l = std::make_unique<FakeLink>(router(a), router(b), o);
    return *l;
  }
  FakeLink& linkAt(std::size_t a, std::size_t b) { return *links_.at({a, b}); }
  void cut(std::size_t a, std::size_t b) { links_.at({a, b})->cut(); }
  std::vector<FakeLink*> links() {
    std::vector<FakeLink*> out;
    for (auto& [k, l] : links_) out.push_back(l.get());
    return out;
  }

  // Every node believes in the same root, `root`.
  bool agreeOnRoot(const PublicKey& root) {
    for (auto& r : routers_)
      if (r->getRootAndPath().first != root) return false;
    return true;
  }

  // Each node's parent is a peer of it, and its coordinates are its
  // parent's plus the port the parent gave it; the root's are empty.
  std::string treeProblem(const PublicKey& root) {
    std::map<PublicKey, std::size_t> index;
    for (std::size_t i = 0; i < size(); ++i) index[key(i)] = i;
    for (std::size_t i = 0; i < size(); ++i) {
      auto [r, coords] = router(i).getRootAndPath();
      if (r != root) return "node " + std::to_string(i) + " has another root";
      PublicKey parent;
      for (auto& e : router(i).getTree())
        if (e.key == key(i)) parent = e.parent;
      if (key(i) == root) {
        if (parent != root || !coords.empty()) return "root is not its own parent";
        continue;
      }
      if (!index.count(parent)) return "node " + std::to_string(i) + " has an unknown parent";
      auto& p = router(index[parent]);
      std::uint64_t port = 0;
      for (auto& info : p.getPeers())
        if (info.key == key(i)) port = info.port;
      if (port == 0) return "node " + std::to_string(i) + "'s parent is not its peer";
      auto parentCoords = p.getRootAndPath().second;
      parentCoords.push_back(port);
      if (parentCoords != coords) return "node " + std::to_string(i) + " coordinates disagree with its parent's";
    }
    return "";
  }

  // Resends until the packet arrives (the first may be lost while paths and
  // filters settle, as in ironwood's own network tests).
  bool deliver(std::size_t from, std::size_t to, const Bytes& payload, std::chrono::milliseconds timeout = 20s) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      router(from).sendTraffic(key(to), payload);
      if (eventually([&] { return inbox(to).has(key(from), payload); }, 300ms)) return true;
    }
    return false;
  }

 private:
  std::vector<std::unique_ptr<Inbox>> inboxes_;
  std::vector<std::unique_ptr<Router>> routers_;
  std::map<std::pair<std::size_t, std::size_t>, std::unique_ptr<FakeLink>> links_;
};

}  // namespace rtk::test
