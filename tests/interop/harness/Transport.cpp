#include "Transport.hpp"

#include <ratatoskr/error.hpp>

namespace rtk::interop {

const char* transportName(Transport transport) {
  switch (transport) {
    case Transport::Tcp: return "tcp";
    case Transport::Tls: return "tls";
    case Transport::Ws: return "ws";
    case Transport::Unix: return "unix";
  }
  return "?";
}

Transport parseTransport(const std::string& name) {
  for (Transport t : {Transport::Tcp, Transport::Tls, Transport::Ws, Transport::Unix}) {
    if (name == transportName(t)) return t;
  }
  throw Error(Errc::InvalidArgument, "interop: unknown transport \"" + name + "\" (tcp, tls, ws, unix)");
}

std::string transportUri(Transport transport, const std::string& host, int port) {
  if (transport == Transport::Unix) return "unix://" + host;
  const bool ipv6 = host.find(':') != std::string::npos;
  const std::string h = ipv6 ? "[" + host + "]" : host;
  return std::string(transportName(transport)) + "://" + h + ":" + std::to_string(port);
}

int defaultPort(Transport transport) {
  switch (transport) {
    case Transport::Tcp: return 7100;
    case Transport::Tls: return 7101;
    case Transport::Ws: return 7102;
    case Transport::Unix: return 0;
  }
  return 0;
}

}  // namespace rtk::interop
