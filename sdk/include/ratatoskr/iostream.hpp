// Standard C++ streams over a ratatoskr connection.
//
//   auto conn = node.dial("tcp", "[200:…]:80");
//   rtk::ConnStream s(std::move(conn));
//   s << "GET / HTTP/1.0\r\n\r\n" << std::flush;
//   std::string line;
//   std::getline(s, line);
//
// ConnStreamBuf is a std::streambuf over any rtk::Conn (buffered both ways);
// ConnStream is a std::iostream that owns (or borrows) the connection.
//
// Errors: the standard stream machinery reports failures as stream state,
// not exceptions. A read or write that fails with rtk::Error (timeout, reset,
// closed) makes the stream bad (badbit; end of stream only sets eofbit);
// lastError() returns the rtk::Error that did it. Use the connection's
// deadlines (conn().setReadDeadline) for timeouts.
//
// Thread-safety: like any std::iostream, one thread at a time; close() of the
// underlying connection from another thread unblocks it.
// Header-only; depends on nothing but net.hpp.
#pragma once

#include <cstring>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <streambuf>
#include <vector>

#include "ratatoskr/net.hpp"

namespace rtk {

class ConnStreamBuf : public std::streambuf {
 public:
  // Borrows `conn`, which must outlive the buffer.
  explicit ConnStreamBuf(Conn& conn, std::size_t bufferBytes = 16 * 1024)
      : conn_(&conn), in_(bufferBytes), out_(bufferBytes) {
    setg(in_.data(), in_.data(), in_.data());
    setp(out_.data(), out_.data() + out_.size());
  }
  // Owns `conn`.
  explicit ConnStreamBuf(std::unique_ptr<Conn> conn, std::size_t bufferBytes = 16 * 1024)
      : ConnStreamBuf(*conn, bufferBytes) {
    owned_ = std::move(conn);
  }
  ~ConnStreamBuf() override {
    // Best effort: a destructor cannot report errors (lastError is gone).
    if (!error_) flushOut();
  }
  ConnStreamBuf(const ConnStreamBuf&) = delete;
  ConnStreamBuf& operator=(const ConnStreamBuf&) = delete;

  Conn& conn() { return *conn_; }
  // The error that stopped reading or writing, if any.
  const std::optional<Error>& lastError() const { return error_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (error_) return traits_type::eof();
    try {
      std::size_t n = conn_->read(in_.data(), in_.size());
      if (n == 0) return traits_type::eof();
      setg(in_.data(), in_.data(), in_.data() + n);
      return traits_type::to_int_type(*gptr());
    } catch (const Error& e) {
      error_ = e;
      throw;  // the stream sets badbit (and rethrows only if asked to)
    }
  }

  int_type overflow(int_type ch) override {
    if (flushOut() != 0) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }

  int sync() override { return flushOut(); }

  std::streamsize xsputn(const char* s, std::streamsize n) override {
    // Large writes go straight to the connection instead of through the buffer.
    if (n >= static_cast<std::streamsize>(out_.size())) {
      if (flushOut() != 0) return 0;
      try {
        conn_->write(s, static_cast<std::size_t>(n));
        return n;
      } catch (const Error& e) {
        error_ = e;
        throw;
      }
    }
    return std::streambuf::xsputn(s, n);
  }

  std::streamsize showmanyc() override { return egptr() - gptr(); }

 private:
  int flushOut() {
    const std::size_t n = static_cast<std::size_t>(pptr() - pbase());
    if (n == 0) return 0;
    if (error_) return -1;
    try {
      conn_->write(pbase(), n);
    } catch (const Error& e) {
      error_ = e;
      setp(out_.data(), out_.data() + out_.size());
      return -1;
    }
    setp(out_.data(), out_.data() + out_.size());
    return 0;
  }

  Conn* conn_;
  std::unique_ptr<Conn> owned_;
  std::vector<char> in_, out_;
  std::optional<Error> error_;
};

class ConnStream : public std::iostream {
 public:
  explicit ConnStream(Conn& conn, std::size_t bufferBytes = 16 * 1024) : std::iostream(nullptr), buf_(conn, bufferBytes) {
    rdbuf(&buf_);
  }
  explicit ConnStream(std::unique_ptr<Conn> conn, std::size_t bufferBytes = 16 * 1024)
      : std::iostream(nullptr), buf_(std::move(conn), bufferBytes) {
    rdbuf(&buf_);
  }
  Conn& conn() { return buf_.conn(); }
  const std::optional<Error>& lastError() const { return buf_.lastError(); }
  // Flushes, then half-closes: the peer reads end of stream; reading goes on.
  void closeWrite() {
    flush();
    buf_.conn().closeWrite();
  }
  // Flushes and closes the connection.
  void close() {
    flush();
    buf_.conn().close();
  }

 private:
  ConnStreamBuf buf_;
};

}  // namespace rtk
