// LinkCrowd — many connections to one node's Listen port, as a crowd of
// peers and attackers would open them, from the test process itself:
//   - half-open: TCP connections that never send a byte (a handshake flood);
//   - handshaking links: each with its own fresh Ed25519 key, sending the
//     Yggdrasil 0.5 version metadata and checking the node's answer, then
//     kept up by a thread ("rtk-crowd") that sends ironwood keepalives
//     every 500 ms and drains whatever the node sends.
// Sockets are created on the calling thread, so a NetnsScope around the
// open calls puts them in that namespace. Everything closes in close() or
// the destructor.
// Thread-safety: one thread (the keepalive thread is internal).
#pragma once

#include <netinet/in.h>

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

#include "core/util/Thread.hpp"

namespace rtk::interop::links {

class LinkCrowd {
 public:
  LinkCrowd() = default;
  ~LinkCrowd();
  LinkCrowd(const LinkCrowd&) = delete;
  LinkCrowd& operator=(const LinkCrowd&) = delete;

  // Opens `count` connections from `sourceAddress` (empty: any) to
  // [address]:port that never send anything; returns how many connected
  // (the node may close them at once: its caps).
  std::size_t openHalfOpen(const std::string& address, int port, const std::string& sourceAddress,
                           std::size_t count, int timeoutMs);
  struct LinkOutcome {
    std::size_t completed = 0;   // the node answered with the expected key
    std::size_t closed = 0;      // the node closed (or refused) the connection
    std::size_t wrongKey = 0;    // answered with another key
    std::size_t unfinished = 0;  // no answer within the time
    std::string firstClose;      // why the first closed one ended
    std::string describe() const;
  };
  // Opens `count` links from `sourceAddress` (empty: any), at most
  // `concurrent` handshakes at a time, and completes the version handshake
  // on each within timeoutMs. The completed ones are kept alive.
  LinkOutcome openLinks(const std::string& address, int port, const std::string& sourceAddress, std::size_t count,
                        std::size_t concurrent, const std::string& expectedKeyHex, int timeoutMs);
  // Links kept alive that the node has not closed.
  std::size_t linksAlive() const { return alive_.load(); }
  void close();

 private:
  void keepAlive();

  std::vector<int> halfOpen_;
  std::vector<int> links_;  // owned by the keepalive thread once it runs
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> alive_{0};
  rtk::Thread pump_;
};

// Raises this process's open-files soft limit to its hard limit.
void raiseFileLimit();

}  // namespace rtk::interop::links
