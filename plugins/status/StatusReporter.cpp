#include "StatusReporter.hpp"

#include "ratatoskr/net.hpp"

namespace rtk::plugins::status {

StatusReporter::StatusReporter(NetworkInterface& network, PeerInterface& peers, Log log, std::chrono::seconds interval)
    : network_(network), peers_(peers), log_(std::move(log)), interval_(interval) {}

StatusReporter::~StatusReporter() { stop(); }

void StatusReporter::start() {
  std::lock_guard lock(mutex_);
  if (thread_ && thread_->joinable()) return;
  stopping_ = false;
  thread_.emplace("rtk-status", [this] { run(); });
}

void StatusReporter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_) thread_->join();
}

void StatusReporter::report() const {
  try {
    auto peers = peers_.getPeers();
    std::size_t up = 0;
    for (const auto& p : peers) up += p.up ? 1 : 0;
    log_.info("address ", formatAddress(network_.address()), ", ", peers.size(), " peer(s) configured or connected, ", up, " up");
  } catch (const std::exception& e) {
    log_.warn("cannot read the node's status: ", e.what());
  }
}

void StatusReporter::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    report();
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace rtk::plugins::status
