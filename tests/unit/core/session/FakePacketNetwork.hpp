// Test doubles for router::PacketNetwork.
//
// CapturingNetwork: one node's network; records what the node sends and lets
// the test inject packets "from the router" on the calling thread.
//
// FakeSwitch: an in-memory network joining several nodes. Packets travel on
// the switch's own thread (as they would on the router thread), optionally
// lost, duplicated or reordered with a seeded RNG, and can be held back.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "core/router/PacketNetwork.hpp"
#include "core/util/Bytes.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::test {

struct SentPacket {
  PublicKey source;
  PublicKey dest;
  core::Bytes payload;
};

class CapturingNetwork : public core::router::PacketNetwork {
 public:
  explicit CapturingNetwork(std::uint64_t mtuBytes = 65535) : mtu_(mtuBytes) {}
  void sendTraffic(const PublicKey& dest, core::OffsetBytes payload) override {
    std::lock_guard lock(mutex_);
    sent_.push_back({PublicKey{}, dest, std::move(payload).take()});
  }
  void setTrafficHandler(TrafficHandler handler) override {
    std::lock_guard lock(mutex_);
    handler_ = std::move(handler);
  }
  void sendLookup(const PublicKey&) override {}
  std::uint64_t mtu() const override { return mtu_; }

  void inject(const PublicKey& source, core::Bytes payload) {
    TrafficHandler h;
    {
      std::lock_guard lock(mutex_);
      h = handler_;
    }
    if (h) h(source, std::move(payload));
  }
  std::vector<SentPacket> take() {
    std::lock_guard lock(mutex_);
    std::vector<SentPacket> out;
    out.swap(sent_);
    return out;
  }

 private:
  std::uint64_t mtu_;
  std::mutex mutex_;
  TrafficHandler handler_;
  std::vector<SentPacket> sent_;
};

struct SwitchFaults {
  double lossRate = 0, duplicateRate = 0, reorderRate = 0;
  std::uint32_t seed = 1;
};

class FakeSwitch {
 public:
  using Faults = SwitchFaults;

  class Port : public core::router::PacketNetwork {
   public:
    Port(FakeSwitch& sw, PublicKey self) : switch_(sw), self_(self) {}
    void sendTraffic(const PublicKey& dest, core::OffsetBytes payload) override {
      if (payload.size() > mtu()) return;
      switch_.enqueue({self_, dest, std::move(payload).take()});
    }
    void setTrafficHandler(TrafficHandler handler) override { switch_.attach(self_, std::move(handler)); }
    void sendLookup(const PublicKey&) override {}
    std::uint64_t mtu() const override { return switch_.mtu_; }

   private:
    FakeSwitch& switch_;
    PublicKey self_;
  };

  explicit FakeSwitch(Faults faults = {}, std::uint64_t mtuBytes = 65535)
      : faults_(faults), mtu_(mtuBytes), rng_(faults.seed), thread_([this] { run(); }) {}
  ~FakeSwitch() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  // A port for the node with key `self`; owned by the switch.
  Port& port(const PublicKey& self) {
    std::lock_guard lock(mutex_);
    auto& p = ports_[self];
    if (!p) p = std::make_unique<Port>(*this, self);
    return *p;
  }
  // Detaches a node: packets to it are dropped until a handler is set again.
  void detach(const PublicKey& self) {
    std::lock_guard lock(mutex_);
    handlers_.erase(self);
  }
  // Delivers a packet as if `source` had sent it (not logged, no faults).
  void inject(const PublicKey& source, const PublicKey& dest, core::Bytes payload) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back({source, dest, std::move(payload)});
    }
    wake_.notify_all();
  }
  // Held packets wait until release().
  void hold() {
    std::lock_guard lock(mutex_);
    holding_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      holding_ = false;
    }
    wake_.notify_all();
  }
  void setFaults(Faults f) {
    std::lock_guard lock(mutex_);
    faults_ = f;
  }
  // Every packet handed to the switch, in order.
  std::vector<SentPacket> log() const {
    std::lock_guard lock(mutex_);
    return log_;
  }
  // Returns once every packet queued so far has been handed to its handler.
  void drain() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return (queue_.empty() || holding_) && !busy_; });
  }

 private:
  void attach(const PublicKey& self, core::router::PacketNetwork::TrafficHandler h) {
    std::lock_guard lock(mutex_);
    handlers_[self] = std::move(h);
  }
  void enqueue(SentPacket p) {
    {
      std::lock_guard lock(mutex_);
      log_.push_back(p);
      std::uniform_real_distribution<double> u(0, 1);
      if (u(rng_) < faults_.lossRate) return;
      if (u(rng_) < faults_.duplicateRate) queue_.push_back(p);
      if (!queue_.empty() && u(rng_) < faults_.reorderRate)
        queue_.insert(queue_.end() - 1, std::move(p));
      else
        queue_.push_back(std::move(p));
    }
    wake_.notify_all();
  }
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stop_ || (!holding_ && !queue_.empty()); });
      if (stop_) return;
      SentPacket p = std::move(queue_.front());
      queue_.pop_front();
      auto it = handlers_.find(p.dest);
      auto h = it == handlers_.end() ? nullptr : it->second;
      busy_ = true;
      lock.unlock();
      if (h) h(p.source, std::move(p.payload));
      lock.lock();
      busy_ = false;
      if (queue_.empty() || holding_) idle_.notify_all();
    }
  }

  Faults faults_;
  std::uint64_t mtu_;
  std::mt19937 rng_;
  mutable std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<SentPacket> queue_;
  std::vector<SentPacket> log_;
  std::map<PublicKey, std::unique_ptr<Port>> ports_;
  std::map<PublicKey, core::router::PacketNetwork::TrafficHandler> handlers_;
  bool holding_ = false, busy_ = false, stop_ = false;
  std::thread thread_;
};

}  // namespace rtk::test
