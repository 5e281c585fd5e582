// One Yggdrasil TCP connection handed to the host as a local socket: a
// socketpair whose far end two named threads relay to and from the
// connection, ends of stream passed on in both directions.
#pragma once

#include <ratatoskr/net.hpp>
#include <ratatoskr/thread.hpp>

#include <atomic>
#include <cstdint>
#include <memory>

namespace rtkc {

class FdRelay {
 public:
  // Takes `conn`; starts "rtk-up-<id>" (host → connection) and
  // "rtk-dn-<id>" (connection → host). Throws rtk::Error(Io) when the
  // socketpair or a thread cannot be made (the connection is closed then).
  FdRelay(std::unique_ptr<rtk::Conn> conn, std::uint64_t id);
  // close(), then joins both threads and closes the relay's end.
  ~FdRelay();
  FdRelay(const FdRelay&) = delete;
  FdRelay& operator=(const FdRelay&) = delete;

  // The host's end; from then on the host owns (and closes) it. Once only.
  int releaseHostFd();
  // Both directions have ended: the destructor will not wait.
  bool finished() const { return running_.load() == 0; }
  // Ends both directions now: the host reads end of file, the peer sees the
  // connection closed. Any thread; idempotent.
  void close();

 private:
  void hostToConn();
  void connToHost();
  void threadEnded();

  std::shared_ptr<rtk::Conn> conn_;
  int hostFd_ = -1;
  int relayFd_ = -1;
  std::atomic<int> running_{2};
  rtk::Thread up_, down_;
};

}  // namespace rtkc
