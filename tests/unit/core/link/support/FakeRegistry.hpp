// A router stand-in for link tests: records what links hand to the router
// and lets a test queue outbound frames.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/link/FrameReader.hpp"
#include "core/router/PeerPorts.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::test {

using core::Bytes;
using core::ByteView;

inline bool waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

class FakeEndpoint : public core::router::PeerEndpoint {
 public:
  FakeEndpoint(PublicKey key, std::uint8_t priority, std::uint64_t port,
               std::shared_ptr<core::router::PeerTransport> transport)
      : key_(key), priority_(priority), port_(port), transport_(transport) {}

  void handleFrame(ByteView frame) override {
    if (!frame.empty() && frame[0] == rejectType_)
      throw Error(Errc::Protocol, "fake router: frame type " + std::to_string(frame[0]) + " is not acceptable");
    std::lock_guard lock(mutex_);
    frames_.emplace_back(frame.begin(), frame.end());
    if (holdAfter_ && frames_.size() >= *holdAfter_) accepting_ = false;
  }
  bool acceptsFrames() override {
    std::lock_guard lock(mutex_);
    asked_ += !accepting_;
    return accepting_;
  }
  std::size_t takeOutbound(Bytes& out, std::size_t maxBytes) override {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    while (!queued_.empty() && out.size() < maxBytes) {
      core::link::FrameReader::appendUvarint(out, queued_.front().size());
      out.insert(out.end(), queued_.front().begin(), queued_.front().end());
      queued_.pop_front();
      ++n;
    }
    return n;
  }
  core::router::PeerEndpointInfo info() const override {
    core::router::PeerEndpointInfo i;
    i.key = key_;
    i.port = port_;
    i.priority = priority_;
    i.cost = 42;
    i.latency = std::chrono::milliseconds(7);
    return i;
  }

  // Queues a frame (type byte first) and wakes the link's writer.
  void send(Bytes frame) {
    {
      std::lock_guard lock(mutex_);
      queued_.push_back(std::move(frame));
    }
    if (auto t = transport_.lock()) t->wakeWriter();
  }
  std::vector<Bytes> frames() const {
    std::lock_guard lock(mutex_);
    return frames_;
  }
  std::size_t countType(std::uint8_t type) const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& f : frames_) n += !f.empty() && f[0] == type;
    return n;
  }
  bool hasFrame(const Bytes& frame) const {
    std::lock_guard lock(mutex_);
    for (const auto& f : frames_)
      if (f == frame) return true;
    return false;
  }
  void closeLink(const std::string& reason) {
    if (auto t = transport_.lock()) t->closeTransport(reason);
  }
  void rejectFramesOfType(std::uint8_t type) { rejectType_ = type; }
  // Plays a router that falls behind: after `n` frames in all, acceptsFrames()
  // says no until resumeFrames(), which wakes the link's reader as the
  // router's takeInbox does.
  void holdFramesAfter(std::size_t n) {
    std::lock_guard lock(mutex_);
    holdAfter_ = n;
    if (frames_.size() >= n) accepting_ = false;
  }
  void resumeFrames() {
    {
      std::lock_guard lock(mutex_);
      holdAfter_.reset();
      accepting_ = true;
    }
    if (auto t = transport_.lock()) t->wakeReader();
  }
  // How often acceptsFrames() said no.
  std::size_t refusals() const {
    std::lock_guard lock(mutex_);
    return asked_;
  }
  const PublicKey& key() const { return key_; }
  std::uint8_t priority() const { return priority_; }

 private:
  PublicKey key_;
  std::uint8_t priority_;
  std::uint64_t port_;
  std::weak_ptr<core::router::PeerTransport> transport_;  // the real router holds it until removePeer
  std::atomic<int> rejectType_{-1};
  mutable std::mutex mutex_;
  std::vector<Bytes> frames_;
  std::deque<Bytes> queued_;
  std::optional<std::size_t> holdAfter_;
  bool accepting_ = true;
  std::size_t asked_ = 0;
};

class FakeRegistry : public core::router::PeerRegistry {
 public:
  std::shared_ptr<core::router::PeerEndpoint> addPeer(const PublicKey& key, std::uint8_t priority,
                                                      std::shared_ptr<core::router::PeerTransport> transport) override {
    std::lock_guard lock(mutex_);
    auto ep = std::make_shared<FakeEndpoint>(key, priority, ++nextPort_, transport);
    active_.push_back(ep);
    ++added_;
    if (autoSend_) {
      auto first = autoSend_;
      ep->send(*first);
    }
    return ep;
  }
  void removePeer(const std::shared_ptr<core::router::PeerEndpoint>& endpoint) override {
    std::lock_guard lock(mutex_);
    for (auto it = active_.begin(); it != active_.end(); ++it) {
      if (*it == endpoint) {
        active_.erase(it);
        ++removed_;
        return;
      }
    }
  }

  std::vector<std::shared_ptr<FakeEndpoint>> active() const {
    std::lock_guard lock(mutex_);
    return active_;
  }
  std::shared_ptr<FakeEndpoint> find(const PublicKey& key) const {
    std::lock_guard lock(mutex_);
    for (auto& ep : active_)
      if (ep->key() == key) return ep;
    return nullptr;
  }
  std::shared_ptr<FakeEndpoint> waitFor(const PublicKey& key, std::chrono::milliseconds timeout) const {
    std::shared_ptr<FakeEndpoint> found;
    waitUntil([&] { return (found = find(key)) != nullptr; }, timeout);
    return found;
  }
  int added() const {
    std::lock_guard lock(mutex_);
    return added_;
  }
  int removed() const {
    std::lock_guard lock(mutex_);
    return removed_;
  }
  // Every new endpoint queues this frame at once, as the router queues sigreq.
  void sendOnAdd(Bytes frame) {
    std::lock_guard lock(mutex_);
    autoSend_ = std::make_shared<Bytes>(std::move(frame));
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<FakeEndpoint>> active_;
  std::shared_ptr<Bytes> autoSend_;
  std::uint64_t nextPort_ = 0;
  int added_ = 0, removed_ = 0;
};

}  // namespace rtk::test
