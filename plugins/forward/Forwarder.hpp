// Forwarder — one running mapping, whatever its direction: constructed
// bound (the listener exists, so a busy port fails the plugin's start before
// anything runs), started, stopped, and asked for its counters.
// Thread-safety: start()/stop() from the plugin's lifecycle thread;
// snapshot() from any thread (admin command).
#pragma once

#include "ratatoskr/json.hpp"

namespace rtk::plugins::forward {

class Forwarder {
 public:
  virtual ~Forwarder() = default;
  virtual void start() = 0;
  // Closes the listener, ends every connection or session and waits until
  // their threads have been handed to the reaper. ForwardContext::stopping
  // must have been fired first.
  virtual void stop() = 0;
  virtual json::Value snapshot() const = 0;
};

}  // namespace rtk::plugins::forward
