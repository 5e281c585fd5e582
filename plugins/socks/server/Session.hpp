// Session — one proxied client after its handshake: a CONNECT tunnel
// (Tunnel) or a UDP association (UdpAssociation). It owns its threads; the
// server starts it, tells it to abort when stopping, and joins it once it
// reported that it finished.
// Thread-safety: start/join from the server's thread; abort and describe
// from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "ratatoskr/json.hpp"

namespace rtk::plugins::socks {

class Session {
 public:
  virtual ~Session() = default;
  // Starts the session's threads; `finished` is called once, from one of
  // them, as its last act. Errc::Io when no thread can be started (the
  // server then aborts the session, which closes the client).
  virtual void start(std::function<void()> finished) = 0;
  // Makes every thread of the session end soon (closing both sides).
  virtual void abort() noexcept = 0;
  // Waits for the threads; after `finished` was called or after abort().
  virtual void join() = 0;
  // {"kind", "client", "destination", ...} for the snapshot.
  virtual json::Value describe() const = 0;
};

// Thread names: "rtk-<role>-<n>" within the kernel's 15 characters.
std::string sessionThreadName(const char* role, std::uint64_t id);

}  // namespace rtk::plugins::socks
