// Poco::Net over the Yggdrasil network: everything an application needs to
// run Poco's HTTP client and server (and other StreamSocket users) through a
// ratatoskr node, the way Go's http.Transport{DialContext: node.DialContext}
// works. Header-only; link Poco::Net yourself.
//
//   // client
//   auto session = rtk::poco::httpClientSession(rtk::poco::dialerFor(node), "[200:…]:8080");
//   Poco::Net::HTTPRequest request("GET", "/status");
//   session->sendRequest(request);
//   std::istream& body = session->receiveResponse(response);
//
//   // server
//   Poco::Net::HTTPServer server(factory, rtk::poco::ServerSocket(node.listen("tcp", ":8080")), params);
//
// Thread-safety and errors: see ConnSocketImpl.hpp and ListenerSocketImpl.hpp.
#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/StreamSocket.h>

#include <memory>
#include <string_view>

#include "ratatoskr/poco/ConnSocketImpl.hpp"
#include "ratatoskr/poco/Dialer.hpp"
#include "ratatoskr/poco/ListenerSocketImpl.hpp"
#include "ratatoskr/poco/ServerSocket.hpp"

namespace rtk::poco {

// An unconnected StreamSocket whose connect() dials through `dialer`.
inline Poco::Net::StreamSocket streamSocket(Dialer dialer) {
  return Poco::Net::StreamSocket(new ConnSocketImpl(std::move(dialer)));
}

// A StreamSocket over an existing connection (e.g. one accepted by hand).
inline Poco::Net::StreamSocket streamSocket(std::unique_ptr<Conn> conn) {
  return Poco::Net::StreamSocket(new ConnSocketImpl(std::move(conn)));
}

// A StreamSocket connected to `address` ("[addr]:port") through `dialer`.
// Poco exceptions as for connect(); timeout 0 means the dial has no deadline.
inline Poco::Net::StreamSocket connect(Dialer dialer, std::string_view address, Poco::Timespan timeout = 0) {
  const Endpoint e = parseEndpoint(address);
  auto socket = streamSocket(std::move(dialer));
  socket.connect(toSocketAddress(e), timeout);
  return socket;
}

// An HTTPClientSession for the server at `address` ("[addr]:port") whose
// connections — the first and every reconnect — go through `dialer`.
// Keep-alive is on (as with Go's http.Transport): requests share one
// connection while the server keeps it open.
inline std::unique_ptr<Poco::Net::HTTPClientSession> httpClientSession(Dialer dialer, std::string_view address) {
  const Endpoint e = parseEndpoint(address);
  auto session = std::make_unique<Poco::Net::HTTPClientSession>(streamSocket(std::move(dialer)));
  session->setHost(formatAddress(e.address));
  session->setPort(e.port);
  session->setKeepAlive(true);
  return session;
}

}  // namespace rtk::poco
