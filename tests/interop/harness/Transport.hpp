// Link transports a topology can put on each link, and the URIs for them.
#pragma once

#include <string>

namespace rtk::interop {

enum class Transport {
  Tcp,   // tcp://[addr]:port
  Tls,   // tls://[addr]:port (self-signed, no pinning)
  Ws,    // ws://[addr]:port
  Unix,  // unix:///path: no veth; the socket lives in the lab directory,
         // which every namespace sees (namespaces share the filesystem)
};

const char* transportName(Transport transport);
// "tcp", "tls", "ws", "unix"; throws rtk::Error(InvalidArgument) otherwise.
Transport parseTransport(const std::string& name);
// The listen/peer URI: host is an IPv6 or IPv4 address (bracketed as needed)
// for network transports, a socket path for Unix (port ignored).
std::string transportUri(Transport transport, const std::string& host, int port);
// The port a topology listens on for a transport (7100 tcp, 7101 tls, 7102 ws).
int defaultPort(Transport transport);

}  // namespace rtk::interop
