#include "core/link/tls/TlsStream.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <climits>
#include <mutex>
#include <utility>

#include "core/link/tls/OpenSslErrors.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::link {
namespace {

TlsStream* owner(BIO* b) { return static_cast<TlsStream*>(BIO_get_data(b)); }

int methodRead(BIO* b, char* out, int len) { return owner(b)->bioRead(out, len); }
int methodWrite(BIO* b, const char* in, int len) { return owner(b)->bioWrite(in, len); }
long methodCtrl(BIO*, int cmd, long, void*) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }
int methodCreate(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}
int methodDestroy(BIO* b) { return b ? 1 : 0; }

// One method table for the process; OpenSSL keeps it for its lifetime.
BIO_METHOD* streamMethod() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "rtk link stream");
    if (!m || !BIO_meth_set_read(m, methodRead) || !BIO_meth_set_write(m, methodWrite) ||
        !BIO_meth_set_ctrl(m, methodCtrl) || !BIO_meth_set_create(m, methodCreate) ||
        !BIO_meth_set_destroy(m, methodDestroy))
      throw Error(Errc::Io, "tls: cannot create the BIO method: " + drainOpenSslErrors());
    return m;
  }();
  return method;
}

}  // namespace

TlsStream::TlsStream(std::unique_ptr<Stream> inner, SslPtr ssl) : inner_(std::move(inner)), ssl_(std::move(ssl)) {
  BIO* bio = BIO_new(streamMethod());
  if (!bio) throw Error(Errc::Io, "tls: BIO_new: " + drainOpenSslErrors());
  BIO_set_data(bio, this);
  SSL_set_bio(ssl_.get(), bio, bio);  // the SSL owns the BIO from here
}

TlsStream::~TlsStream() = default;

int TlsStream::bioRead(char* out, int len) noexcept {
  BIO* b = SSL_get_rbio(ssl_.get());
  BIO_clear_retry_flags(b);
  try {
    IoResult r = inner_->read(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(out), static_cast<std::size_t>(len)));
    if (r.bytes > 0) return static_cast<int>(r.bytes);
    if (r.eof) return 0;
    if (r.wait == IoWait::Write)
      BIO_set_retry_write(b);
    else
      BIO_set_retry_read(b);
    return -1;
  } catch (...) {
    bioError_ = std::current_exception();
    return -1;
  }
}

int TlsStream::bioWrite(const char* in, int len) noexcept {
  BIO* b = SSL_get_wbio(ssl_.get());
  BIO_clear_retry_flags(b);
  try {
    IoResult r = inner_->write(ByteView(reinterpret_cast<const std::uint8_t*>(in), static_cast<std::size_t>(len)));
    if (r.bytes > 0) return static_cast<int>(r.bytes);
    if (r.wait == IoWait::Read)
      BIO_set_retry_read(b);
    else
      BIO_set_retry_write(b);
    return -1;
  } catch (...) {
    bioError_ = std::current_exception();
    return -1;
  }
}

IoResult TlsStream::failed(int ret, const char* op) {
  int err = SSL_get_error(ssl_.get(), ret);
  if (bioError_) {
    ERR_clear_error();
    std::rethrow_exception(std::exchange(bioError_, nullptr));
  }
  switch (err) {
    case SSL_ERROR_WANT_READ: return IoResult::blocked(IoWait::Read);
    case SSL_ERROR_WANT_WRITE: return IoResult::blocked(IoWait::Write);
    case SSL_ERROR_ZERO_RETURN: return IoResult::end();
    case SSL_ERROR_SYSCALL: {
      std::string detail = drainOpenSslErrors();
      if (detail.empty()) return IoResult::end();  // EOF from the layer beneath
      throw Error(Errc::Io, std::string("tls: ") + op + ": " + detail);
    }
    default: {
      std::string detail = drainOpenSslErrors();
      throw Error(Errc::Protocol, std::string("tls: ") + op + ": " + (detail.empty() ? "failed" : detail));
    }
  }
}

IoResult TlsStream::handshake() {
  if (!innerReady_) {
    IoResult r = inner_->handshake();
    if (r.eof || r.wait != IoWait::None) return r;
    innerReady_ = true;
  }
  if (established_) return IoResult::done();
  ERR_clear_error();
  int ret = SSL_do_handshake(ssl_.get());
  if (ret == 1) {
    established_ = true;
    return IoResult::done();
  }
  IoResult r = failed(ret, "handshake");
  if (r.eof) throw Error(Errc::Reset, "tls: handshake: connection closed by the remote side");
  return r;
}

IoResult TlsStream::read(std::span<std::uint8_t> buf) {
  std::size_t n = 0;
  ERR_clear_error();
  int ret = SSL_read_ex(ssl_.get(), buf.data(), std::min<std::size_t>(buf.size(), INT_MAX), &n);
  if (ret == 1) return IoResult::done(n);
  return failed(ret, "read");
}

IoResult TlsStream::write(ByteView data) {
  if (data.empty()) return IoResult::done();
  std::size_t n = 0;
  ERR_clear_error();
  int ret = SSL_write_ex(ssl_.get(), data.data(), data.size(), &n);
  if (ret == 1) return IoResult::done(n);
  IoResult r = failed(ret, "write");
  if (r.eof) throw Error(Errc::Reset, "tls: write: connection closed by the remote side");
  return r;
}

void TlsStream::shutdown() {
  if (established_) {
    ERR_clear_error();
    SSL_shutdown(ssl_.get());  // queues close_notify; not waiting for the answer
    ERR_clear_error();
    bioError_ = nullptr;  // a failed goodbye changes nothing
  }
  inner_->shutdown();
}

}  // namespace rtk::core::link
