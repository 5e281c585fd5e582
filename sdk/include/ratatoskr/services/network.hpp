// rtk::sdk::NetworkClient — the network service table (services/network.h)
// as an rtk::NetworkInterface, so plugin code is written against the C++
// interface and tested against fakes, while only C crosses the .so boundary.
//
//   auto net = rtk::sdk::NetworkClient::fromHost(host);   // in the constructor
//   auto listener = net->listen("tcp", ":8080");           // rtk::Listener
//
// Every failure surfaces as rtk::Error with the provider's Errc and message.
// Thread-safety: as NetworkInterface and net.hpp (the table is thread-safe;
// the client holds no mutable state of its own). A Conn/Listener/PacketConn
// from the client releases its handle when destroyed; destroy them before
// the plugin is unloaded (the host aborts what is left). Header-only.
#pragma once

#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/net.hpp"
#include "ratatoskr/node_interface.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/network.h"

namespace rtk::sdk {

// ---- value conversions ----------------------------------------------------

inline rtk_deadline toRtkDeadline(const Deadline& d) noexcept {
  if (!d) return RTK_NO_DEADLINE;
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d->time_since_epoch()).count();
  return ns == RTK_NO_DEADLINE ? RTK_NO_DEADLINE - 1 : static_cast<rtk_deadline>(ns);
}

inline Deadline fromRtkDeadline(rtk_deadline d) noexcept {
  if (d == RTK_NO_DEADLINE) return std::nullopt;
  return TimePoint(std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(d)));
}

inline rtk_endpoint toRtkEndpoint(const Endpoint& e) noexcept {
  rtk_endpoint out{};
  std::memcpy(out.address, e.address.bytes.data(), 16);
  out.port = e.port;
  return out;
}

inline Endpoint fromRtkEndpoint(const rtk_endpoint& e) noexcept {
  Endpoint out;
  std::memcpy(out.address.bytes.data(), e.address, 16);
  out.port = e.port;
  return out;
}


namespace detail {

class ClientConn final : public Conn {
 public:
  ClientConn(const rtk_network_service* table, rtk_conn* handle) : t_(table), h_(handle) {}
  ~ClientConn() override { t_->conn_free(h_); }
  ClientConn(const ClientConn&) = delete;
  ClientConn& operator=(const ClientConn&) = delete;

  std::size_t read(void* data, std::size_t size) override {
    std::size_t n = 0;
    StringSink err;
    check(t_->conn_read(h_, data, size, &n, err.get()), err, "conn read");
    return n;
  }
  std::size_t write(const void* data, std::size_t size) override {
    std::size_t n = 0;
    StringSink err;
    check(t_->conn_write(h_, data, size, &n, err.get()), err, "conn write");
    return n;
  }
  void closeWrite() override {
    StringSink err;
    check(t_->conn_close_write(h_, err.get()), err, "conn closeWrite");
  }
  void close() override {
    StringSink err;
    check(t_->conn_close(h_, err.get()), err, "conn close");
  }
  void setReadDeadline(Deadline deadline) override {
    StringSink err;
    check(t_->conn_set_read_deadline(h_, toRtkDeadline(deadline), err.get()), err, "conn setReadDeadline");
  }
  void setWriteDeadline(Deadline deadline) override {
    StringSink err;
    check(t_->conn_set_write_deadline(h_, toRtkDeadline(deadline), err.get()), err, "conn setWriteDeadline");
  }
  Endpoint localEndpoint() const override {
    rtk_endpoint e{};
    t_->conn_local_endpoint(h_, &e);
    return fromRtkEndpoint(e);
  }
  Endpoint remoteEndpoint() const override {
    rtk_endpoint e{};
    t_->conn_remote_endpoint(h_, &e);
    return fromRtkEndpoint(e);
  }
  int readinessFd() override {
    requireNonBlocking("readinessFd");
    int fd = -1;
    StringSink err;
    check(t_->conn_readiness_fd(h_, &fd, err.get()), err, "conn readinessFd");
    return fd;
  }
  std::optional<std::size_t> tryRead(void* data, std::size_t size) override {
    requireNonBlocking("tryRead");
    std::size_t n = 0;
    StringSink err;
    rtk_status status = t_->conn_try_read(h_, data, size, &n, err.get());
    if (status == RTK_ERR_WOULD_BLOCK) return std::nullopt;
    check(status, err, "conn tryRead");
    return n;
  }
  std::size_t tryWrite(const void* data, std::size_t size) override {
    requireNonBlocking("tryWrite");
    std::size_t n = 0;
    StringSink err;
    rtk_status status = t_->conn_try_write(h_, data, size, &n, err.get());
    if (status == RTK_ERR_WOULD_BLOCK) return 0;
    check(status, err, "conn tryWrite");
    return n;
  }

 private:
  void requireNonBlocking(const char* what) const {
    if (t_->struct_size < RTK_NETWORK_SERVICE_SIZE_1_1)
      throw Error(Errc::NotSupported, std::string("conn ") + what + ": the host's network service (" +
                                          std::to_string(t_->struct_size) + " bytes) predates non-blocking streams");
  }

  const rtk_network_service* t_;
  rtk_conn* h_;
};

class ClientListener final : public Listener {
 public:
  ClientListener(const rtk_network_service* table, rtk_listener* handle) : t_(table), h_(handle) {}
  ~ClientListener() override { t_->listener_free(h_); }
  ClientListener(const ClientListener&) = delete;
  ClientListener& operator=(const ClientListener&) = delete;

  std::unique_ptr<Conn> accept(Deadline deadline) override {
    rtk_conn* conn = nullptr;
    StringSink err;
    check(t_->listener_accept(h_, toRtkDeadline(deadline), &conn, err.get()), err, "listener accept");
    return std::make_unique<ClientConn>(t_, conn);
  }
  void close() override {
    StringSink err;
    check(t_->listener_close(h_, err.get()), err, "listener close");
  }
  Endpoint localEndpoint() const override {
    rtk_endpoint e{};
    t_->listener_local_endpoint(h_, &e);
    return fromRtkEndpoint(e);
  }

 private:
  const rtk_network_service* t_;
  rtk_listener* h_;
};

class ClientPacketConn final : public PacketConn {
 public:
  ClientPacketConn(const rtk_network_service* table, rtk_packetconn* handle) : t_(table), h_(handle) {}
  ~ClientPacketConn() override { t_->packet_free(h_); }
  ClientPacketConn(const ClientPacketConn&) = delete;
  ClientPacketConn& operator=(const ClientPacketConn&) = delete;

  std::size_t readFrom(void* data, std::size_t size, Endpoint& from) override {
    std::size_t n = 0;
    rtk_endpoint e{};
    StringSink err;
    check(t_->packet_read_from(h_, data, size, &n, &e, err.get()), err, "packet readFrom");
    from = fromRtkEndpoint(e);
    return n;
  }
  std::size_t writeTo(const void* data, std::size_t size, const Endpoint& to) override {
    std::size_t n = 0;
    rtk_endpoint e = toRtkEndpoint(to);
    StringSink err;
    check(t_->packet_write_to(h_, data, size, &e, &n, err.get()), err, "packet writeTo");
    return n;
  }
  void close() override {
    StringSink err;
    check(t_->packet_close(h_, err.get()), err, "packet close");
  }
  void setReadDeadline(Deadline deadline) override {
    StringSink err;
    check(t_->packet_set_read_deadline(h_, toRtkDeadline(deadline), err.get()), err, "packet setReadDeadline");
  }
  void setWriteDeadline(Deadline deadline) override {
    StringSink err;
    check(t_->packet_set_write_deadline(h_, toRtkDeadline(deadline), err.get()), err, "packet setWriteDeadline");
  }
  Endpoint localEndpoint() const override {
    rtk_endpoint e{};
    t_->packet_local_endpoint(h_, &e);
    return fromRtkEndpoint(e);
  }

 private:
  const rtk_network_service* t_;
  rtk_packetconn* h_;
};

}  // namespace detail

class NetworkClient final : public NetworkInterface {
 public:
  // Wraps a provider's table. Throws Errc::Abi when the table is older than
  // the layout this client calls.
  explicit NetworkClient(const rtk_network_service& table) : t_(&table) {
    if (table.struct_size < RTK_NETWORK_SERVICE_SIZE_1_0) {
      throw Error(Errc::Abi, "network service: table is " + std::to_string(table.struct_size) +
                                 " bytes, need at least " + std::to_string(RTK_NETWORK_SERVICE_SIZE_1_0));
    }
  }

  // The network service the host offers this plugin; Errc::NotFound when the
  // plugin did not declare it (or the host has none).
  static std::unique_ptr<NetworkClient> fromHost(const Host& host) {
    return std::make_unique<NetworkClient>(host.requireService<rtk_network_service>(
        RTK_NETWORK_SERVICE_ID, static_cast<std::uint32_t>(RTK_NETWORK_SERVICE_SIZE_1_0)));
  }

  const rtk_network_service& table() const noexcept { return *t_; }

  std::unique_ptr<Conn> dial(std::string_view network, std::string_view address, const DialOptions& options = {}) override {
    // CancelSource::cancel() runs callbacks outside its lock, so a callback
    // may still be running after the registration is reset: the handle is
    // guarded by a lock of our own, cleared before it is freed.
    struct CancelLink {
      std::mutex mutex;
      rtk_cancel* cancel = nullptr;
    };
    std::shared_ptr<CancelLink> link;
    CancelRegistration registration;
    if (options.cancel.cancellable()) {
      link = std::make_shared<CancelLink>();
      link->cancel = t_->cancel_new(t_->net);
      if (!link->cancel) throw Error(Errc::Unknown, "dial: out of memory creating a cancellation source");
      const rtk_network_service* table = t_;
      registration = options.cancel.onCancel([link, table] {
        std::lock_guard lock(link->mutex);
        if (link->cancel) table->cancel_fire(link->cancel);
      });
    }
    rtk_conn* conn = nullptr;
    StringSink err;
    rtk_status status = t_->dial(t_->net, toStr(network), toStr(address), toRtkDeadline(options.deadline),
                                 link ? link->cancel : nullptr, &conn, err.get());
    registration.reset();
    if (link) {
      rtk_cancel* cancel = nullptr;
      {
        std::lock_guard lock(link->mutex);
        std::swap(cancel, link->cancel);
      }
      t_->cancel_free(cancel);
    }
    check(status, err, "dial");
    return std::make_unique<detail::ClientConn>(t_, conn);
  }
  std::unique_ptr<Listener> listen(std::string_view network, std::string_view address) override {
    rtk_listener* l = nullptr;
    StringSink err;
    check(t_->listen(t_->net, toStr(network), toStr(address), &l, err.get()), err, "listen");
    return std::make_unique<detail::ClientListener>(t_, l);
  }
  std::unique_ptr<PacketConn> listenPacket(std::string_view network, std::string_view address) override {
    rtk_packetconn* pc = nullptr;
    StringSink err;
    check(t_->listen_packet(t_->net, toStr(network), toStr(address), &pc, err.get()), err, "listenPacket");
    return std::make_unique<detail::ClientPacketConn>(t_, pc);
  }
  Ip6Address address() const override {
    Ip6Address a;
    t_->address(t_->net, a.bytes.data());
    return a;
  }
  Ip6Address subnet() const override {
    Ip6Address a;
    t_->subnet(t_->net, a.bytes.data());
    return a;
  }
  PublicKey publicKey() const override {
    PublicKey k;
    t_->public_key(t_->net, k.bytes.data());
    return k;
  }
  std::uint64_t mtu() const override { return t_->mtu(t_->net); }

 private:
  const rtk_network_service* t_;
};

}  // namespace rtk::sdk
