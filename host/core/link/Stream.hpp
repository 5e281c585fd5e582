// Stream — one layer of a link's non-blocking byte stream.
//
// A link's transport is a stack of layers over one socket, e.g. wss is
// WsStream(TlsStream(SocketStream)). Every call returns at once: an
// IoResult says how many bytes moved, whether the peer ended the stream, or
// which socket readiness (readable/writable) the layer waits for before the
// call can progress. The link thread polls the socket for that readiness and
// retries. Errors are thrown as rtk::Error (Io, Reset, Protocol, Refused).
//
// Thread-safety: none; a stack belongs to one link thread for its lifetime
// (so OpenSSL objects are never touched by two threads).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/util/Bytes.hpp"

namespace rtk::core::link {

enum class IoWait : std::uint8_t { None, Read, Write };

struct IoResult {
  std::size_t bytes = 0;       // bytes moved (read: into the buffer; write: consumed)
  IoWait wait = IoWait::None;  // blocked until the socket is readable/writable
  bool eof = false;            // the peer ended the stream cleanly

  static IoResult done(std::size_t n = 0) { return IoResult{n, IoWait::None, false}; }
  static IoResult blocked(IoWait w) { return IoResult{0, w, false}; }
  static IoResult end() { return IoResult{0, IoWait::None, true}; }
};

class Stream {
 public:
  virtual ~Stream() = default;

  // Drives this layer's setup (the layers beneath first): TLS handshake,
  // SOCKS negotiation, WebSocket upgrade. done() when the stream is ready;
  // end() when the exchange finished without a stream (a WebSocket health
  // check was answered); blocked() while waiting for the socket.
  virtual IoResult handshake() = 0;
  // Reads up to buf.size() bytes. done(n > 0), end(), or blocked().
  virtual IoResult read(std::span<std::uint8_t> buf) = 0;
  // Writes a prefix of data. done(n > 0) or blocked(); a layer may accept
  // bytes into its own buffer and send them on flush().
  virtual IoResult write(ByteView data) = 0;
  // Sends what the layer buffered (WebSocket frames, control replies).
  // done() when nothing is left, blocked() otherwise.
  virtual IoResult flush() = 0;
  // Best effort goodbye without blocking (TLS close_notify, WebSocket close).
  virtual void shutdown() = 0;
  // The socket every layer ultimately reads and writes.
  virtual int fd() const = 0;
};

}  // namespace rtk::core::link
