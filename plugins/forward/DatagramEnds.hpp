// DatagramEnds — the two ends of a UDP mapping, whichever network each is on.
//
// A DatagramFront is the socket a UDP mapping listens on: many clients send
// to it, and replies go back through it to each (LocalUDP: a bound host
// socket; RemoteUDP: a Yggdrasil listenPacket). A DatagramUpstream is one
// session's connected socket toward the mapped service (LocalUDP: a
// Yggdrasil "udp" dial; RemoteUDP: a connected host socket), so the service
// sees one source port per client, as with Go's forwarder.
//
// There is no hand-off queue between the two (Go keeps one packet per
// session at the default packet size): a datagram is written from the
// thread that received it, and the sockets' own buffers absorb bursts (host
// sockets ask for 4 MiB, capped by net.core.rmem_max/wmem_max; the node's
// UDP sockets queue 4 MiB).
// Errors: rtk::Error; receive() on a closed end returns false / throws
// Errc::Closed as documented per function.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "HostSocket.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::plugins::forward {

// Who sent a datagram to the front; `key` identifies the session.
struct ClientAddress {
  std::string key;    // the endpoint as text
  HostEndpoint host;  // LocalUDP clients
  Endpoint ygg;       // RemoteUDP clients
};

class DatagramFront {
 public:
  virtual ~DatagramFront() = default;
  // Waits for one datagram; `length` is its real size even when it did not
  // fit. false once the front is closed or the plugin stops.
  virtual bool receive(std::uint8_t* data, std::size_t size, std::size_t& length, ClientAddress& from) = 0;
  // Any thread, concurrently. false when it could not be sent by the deadline.
  virtual bool reply(const std::uint8_t* data, std::size_t size, const ClientAddress& to, Deadline deadline) = 0;
  virtual void close() = 0;
};

class DatagramUpstream {
 public:
  virtual ~DatagramUpstream() = default;
  // Throws rtk::Error when the datagram could not be sent.
  virtual void send(const std::uint8_t* data, std::size_t size, Deadline deadline) = 0;
  // One datagram (truncated to `size`), nullopt at the deadline; throws
  // Errc::Closed after close().
  virtual std::optional<std::size_t> receive(std::uint8_t* data, std::size_t size, Deadline deadline) = 0;
  virtual void close() = 0;
};

class HostUdpFront final : public DatagramFront {
 public:
  HostUdpFront(Fd bound, const Waker& stopping);
  bool receive(std::uint8_t* data, std::size_t size, std::size_t& length, ClientAddress& from) override;
  bool reply(const std::uint8_t* data, std::size_t size, const ClientAddress& to, Deadline deadline) override;
  void close() override {}

 private:
  Fd fd_;
  const Waker& stopping_;
};

class YggUdpFront final : public DatagramFront {
 public:
  explicit YggUdpFront(std::unique_ptr<PacketConn> conn) : conn_(std::move(conn)) {}
  bool receive(std::uint8_t* data, std::size_t size, std::size_t& length, ClientAddress& from) override;
  bool reply(const std::uint8_t* data, std::size_t size, const ClientAddress& to, Deadline deadline) override;
  void close() override { conn_->close(); }

 private:
  std::unique_ptr<PacketConn> conn_;
  std::mutex writeMutex_;  // PacketConn allows one writer at a time
};

class YggUdpUpstream final : public DatagramUpstream {
 public:
  explicit YggUdpUpstream(std::unique_ptr<Conn> conn) : conn_(std::move(conn)) {}
  void send(const std::uint8_t* data, std::size_t size, Deadline deadline) override;
  std::optional<std::size_t> receive(std::uint8_t* data, std::size_t size, Deadline deadline) override;
  void close() override { conn_->close(); }

 private:
  std::unique_ptr<Conn> conn_;
};

class HostUdpUpstream final : public DatagramUpstream {
 public:
  explicit HostUdpUpstream(Fd connected);
  void send(const std::uint8_t* data, std::size_t size, Deadline deadline) override;
  std::optional<std::size_t> receive(std::uint8_t* data, std::size_t size, Deadline deadline) override;
  void close() override;

 private:
  Fd fd_;  // closed by the destructor only
  std::atomic<bool> closed_{false};
};

}  // namespace rtk::plugins::forward
