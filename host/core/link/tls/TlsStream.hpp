// TlsStream — TLS over the layer beneath (a socket, or a socket after SOCKS).
//
// OpenSSL reads and writes through a BIO that calls the inner Stream, so the
// whole stack stays non-blocking and writes keep MSG_NOSIGNAL. Errors raised
// by the inner layer inside OpenSSL callbacks are carried across the C code
// and rethrown unchanged.
// Thread-safety: none (see Stream.hpp); the SSL object never leaves its link thread.
#pragma once

#include <exception>
#include <memory>

#include "core/link/Stream.hpp"
#include "core/link/tls/TlsContext.hpp"

namespace rtk::core::link {

class TlsStream : public Stream {
 public:
  // ssl from TlsContext::newClient / newServer.
  TlsStream(std::unique_ptr<Stream> inner, SslPtr ssl);
  ~TlsStream() override;

  IoResult handshake() override;
  IoResult read(std::span<std::uint8_t> buf) override;
  IoResult write(ByteView data) override;
  IoResult flush() override { return inner_->flush(); }
  void shutdown() override;
  int fd() const override { return inner_->fd(); }

  // Called from the BIO callbacks (C code): never throw.
  int bioRead(char* out, int len) noexcept;
  int bioWrite(const char* in, int len) noexcept;

 private:
  IoResult failed(int ret, const char* op);

  std::unique_ptr<Stream> inner_;
  SslPtr ssl_;
  std::exception_ptr bioError_;
  bool innerReady_ = false;
  bool established_ = false;
};

}  // namespace rtk::core::link
