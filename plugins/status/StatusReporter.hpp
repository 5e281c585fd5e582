// StatusReporter — the status plugin's one job: every interval, log the
// node's address and how many of its peers are up.
//
// Owns one thread ("rtk-status"), started by start() and joined by stop();
// the wait between reports is a condition variable, so stop() returns at
// once instead of after the interval. A failing node call is logged and the
// next report tried on schedule.
// Thread-safety: start() and stop() from the plugin's lifecycle thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "ratatoskr/log.hpp"
#include "ratatoskr/node_interface.hpp"
#include "ratatoskr/thread.hpp"

namespace rtk::plugins::status {

class StatusReporter {
 public:
  StatusReporter(NetworkInterface& network, PeerInterface& peers, Log log, std::chrono::seconds interval);
  ~StatusReporter();
  StatusReporter(const StatusReporter&) = delete;
  StatusReporter& operator=(const StatusReporter&) = delete;

  void start();
  void stop();
  // One report, now, on the calling thread.
  void report() const;

 private:
  void run();

  NetworkInterface& network_;
  PeerInterface& peers_;
  Log log_;
  std::chrono::seconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::optional<Thread> thread_;  // a fresh one per start()
};

}  // namespace rtk::plugins::status
