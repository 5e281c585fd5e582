// LiveObject — anything of a node that holds lwIP resources (a connection, a
// listener, a UDP socket). The node keeps each one registered while it holds
// a pcb, so that closing the node can abort it. Stack-private.
#pragma once

namespace rtk::netstack::detail {

class LiveObject {
 public:
  virtual ~LiveObject() = default;
  // Stack thread, called once while the node closes: fail every pending and
  // later call with Errc::Closed and release the pcb (peers get a reset).
  // The node has already dropped its registration.
  virtual void abortFromNode() = 0;
};

}  // namespace rtk::netstack::detail
