// Reaper — joins the threads of connections and sessions that have ended.
//
// A relay's or session's last thread cannot join itself, and the thread
// that accepts new work may sit in accept() for hours; so each finished
// piece is handed here and one thread ("rtk-fwd-reap") joins and frees it.
// stop() joins whatever is left and then the reaper's own thread.
// Thread-safety: retire() from any thread; start()/stop() from the plugin's
// lifecycle thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "ratatoskr/thread.hpp"

namespace rtk::plugins::forward {

class Retiring {
 public:
  virtual ~Retiring() = default;
  // Joins the object's own threads (they have ended or are ending).
  virtual void joinThreads() = 0;
};

class Reaper {
 public:
  Reaper() = default;
  ~Reaper() { stop(); }
  Reaper(const Reaper&) = delete;
  Reaper& operator=(const Reaper&) = delete;

  void start();
  void retire(std::shared_ptr<Retiring> finished);
  void stop();

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::shared_ptr<Retiring>> finished_;
  bool stopping_ = false;
  Thread thread_;
};

}  // namespace rtk::plugins::forward
