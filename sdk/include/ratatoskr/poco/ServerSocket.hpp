// rtk::poco::ServerSocket — a Poco::Net::ServerSocket listening on the
// Yggdrasil network, for Poco::Net::TCPServer and HTTPServer:
//
//   rtk::poco::ServerSocket socket(node.listen("tcp", ":8080"));
//   Poco::Net::HTTPServer server(new MyFactory, socket, new Poco::Net::HTTPServerParams);
//   server.start();
//
// Copies (and the Poco::Net::ServerSocket it converts to) share the listener.
// Header-only.
#pragma once

#include <Poco/Net/ServerSocket.h>

#include <memory>

#include "ratatoskr/poco/ListenerSocketImpl.hpp"

namespace rtk::poco {

class ServerSocket : public Poco::Net::ServerSocket {
 public:
  explicit ServerSocket(std::unique_ptr<Listener> listener)
      : Poco::Net::ServerSocket(new ListenerSocketImpl(std::move(listener)), true) {}
};

}  // namespace rtk::poco
