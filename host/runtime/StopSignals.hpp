// blockStopSignals — SIGINT and SIGTERM stay pending until the main thread
// waits for them (Poco's waitForTerminationRequest uses sigwait). Called in
// main() before any thread exists, so every thread inherits the block and a
// signal during start-up ends in an orderly stop instead of the default
// action (exit 143 with nothing closed).
#pragma once

#include <csignal>

#include <pthread.h>

namespace rtk::host {

inline void blockStopSignals() {
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
}

}  // namespace rtk::host
