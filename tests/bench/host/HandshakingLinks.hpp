// Many real Yggdrasil 0.5 links to one node, from one process: each link is
// a TCP connection to the node's Listen port that completes the version
// handshake (core/link/VersionMetadata) with its own fresh Ed25519 key, so
// the node accepts every one as a distinct peer. A thread (rtk-bench-keep)
// keeps them up: every 500 ms it sends a keepalive frame on each link and
// drains what the node sent, so the node's peer timeout (3 s) never fires.
// The links carry no routing replies; they are peers that stay silent
// apart from keepalives.
//
// One file descriptor per link: the caller keeps the count within its
// RLIMIT_NOFILE. Thread-safety: open/size/closeAll from one thread; the
// keepalive thread shares the link list under a mutex.
#pragma once

#include <ratatoskr/thread.hpp>

#include <netinet/in.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

namespace rtk::bench {

class HandshakingLinks {
 public:
  HandshakingLinks();
  // closeAll(), then stops the keepalive thread.
  ~HandshakingLinks();
  HandshakingLinks(const HandshakingLinks&) = delete;
  HandshakingLinks& operator=(const HandshakingLinks&) = delete;

  // Connects (in the calling thread's network namespace) and completes the
  // handshake within timeoutMs. Throws rtk::Error naming the step and the
  // address when the connection or the handshake fails (the socket is closed).
  void open(const sockaddr_in6& to, int timeoutMs);
  std::size_t size();
  // Links the node closed (a read returned end of stream) since the start.
  std::uint64_t closedByNode() const { return closedByNode_.load(); }
  void closeAll();

 private:
  void keepAlive();

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<int> fds_;
  std::atomic<std::uint64_t> closedByNode_{0};
  Thread thread_;
};

}  // namespace rtk::bench
