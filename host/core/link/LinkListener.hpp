// LinkListener — one listening socket for tcp, tls, unix, ws or wss links.
//
// As link.go's listen: TCP listeners bind host:port from the URI (an empty
// host or "[::]" listens on every address, IPv4 included; port 0 picks a free
// port), with SO_REUSEADDR and no keepalive; with a source interface a
// link-local host gets it as its zone. Unix listeners refuse to replace an
// existing path (Errc::AddressInUse, as Go's net.Listen) and remove their
// socket file when closed. Sockets are non-blocking and close-on-exec.
// Thread-safety: immutable after open(); acceptOne() is called by the
// acceptor thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/link/PeerUri.hpp"
#include "core/link/SocketAddress.hpp"
#include "core/link/UniqueFd.hpp"

namespace rtk::core::link {

class LinkListener {
 public:
  // Throws Errc::AddressInUse, Errc::InvalidArgument (bad host/interface),
  // Errc::Io, each naming the URI.
  static std::shared_ptr<LinkListener> open(std::uint64_t id, const PeerUri& uri, std::string sourceInterface,
                                            bool local);
  ~LinkListener();
  LinkListener(const LinkListener&) = delete;
  LinkListener& operator=(const LinkListener&) = delete;

  struct Accepted {
    UniqueFd socket;
    std::string remote;  // "host:port", or the listener's path for unix
  };
  // nullopt when no connection is pending. Throws rtk::Error(Errc::Io) with
  // errno in the message (EMFILE and friends: the caller pauses).
  std::optional<Accepted> acceptOne();

  std::uint64_t id() const { return id_; }
  int fd() const { return fd_.get(); }
  const PeerUri& uri() const { return uri_; }
  const std::string& sourceInterface() const { return sourceInterface_; }
  bool local() const { return local_; }
  // The bound address as a URI ("tcp://127.0.0.1:41234", "unix:///run/ygg.sock").
  const std::string& boundUri() const { return boundUri_; }
  const SocketAddress& boundAddress() const { return bound_; }

 private:
  LinkListener(std::uint64_t id, PeerUri uri, std::string sourceInterface, bool local)
      : id_(id), uri_(std::move(uri)), sourceInterface_(std::move(sourceInterface)), local_(local) {}

  std::uint64_t id_;
  PeerUri uri_;
  std::string sourceInterface_;
  bool local_;
  UniqueFd fd_;
  SocketAddress bound_;
  std::string boundUri_;
  std::string unixPath_;  // removed on close
};

}  // namespace rtk::core::link
