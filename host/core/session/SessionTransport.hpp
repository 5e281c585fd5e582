// What the layers above the encrypted sessions (ipv6, proto) use: Ironwood's
// encrypted.PacketConn reduced to its essentials. Implemented by the session
// manager; the node core puts yggdrasil's one-byte message type in front
// (1 = IPv6 traffic, 2 = proto) and demultiplexes on it.
#pragma once

#include <cstdint>
#include <functional>

#include "core/util/Bytes.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::session {

class SessionTransport {
 public:
  using ReceiveHandler = std::function<void(const PublicKey& from, OffsetBytes message)>;
  virtual ~SessionTransport() = default;
  // Any thread, non-blocking: encrypts and sends `message` to `dest`, opening
  // a session first when there is none (the newest message waiting for it is
  // kept). Messages above mtu() are dropped. Headroom before the message
  // (its offset, up to kTrafficOverhead) is where the session header goes.
  virtual void writeTo(const PublicKey& dest, OffsetBytes message) = 0;
  // Receives each decrypted message, on the session thread; the handler must
  // not block. Set once before traffic flows.
  virtual void setReceiveHandler(ReceiveHandler handler) = 0;
  // Largest message writeTo accepts.
  virtual std::uint64_t mtu() const = 0;
};

}  // namespace rtk::core::session
