// RequestFramer — splits the byte stream of an admin connection into
// requests, one JSON value each, as Go's json.Decoder does for the real node:
// no length prefix, no separator needed ("{…}{…}" is two requests),
// whitespace between values ignored, a syntax error reported at the first
// bad byte without waiting for more input.
//
// Bounded: a value that grows past maxRequestBytes is TooLarge. Bytes are
// scanned once however the stream is split.
//
// Thread-safety: a plain value, one per connection.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/proto/JsonScanner.hpp"

namespace rtk::core::admin {

class RequestFramer {
 public:
  enum class Status {
    Request,   // `request` holds the next complete value
    NeedMore,  // no complete value buffered
    Invalid,   // the stream is not JSON: answer "Failed to find request" and close
    TooLarge,  // the value being read exceeds maxRequestBytes
  };

  explicit RequestFramer(std::size_t maxRequestBytes) : max_(maxRequestBytes) {}

  void append(std::string_view bytes) { buf_.append(bytes); }
  // The next buffered request, if complete.
  Status next(std::string& request);
  // End of input: a final top-level number completes (Request); nothing but
  // whitespace left is NeedMore; a value cut short is Invalid.
  Status finish(std::string& request);
  // Bytes of the value currently being read (0 between values).
  std::size_t pendingBytes() const { return start_ == std::string::npos ? 0 : buf_.size() - start_; }

 private:
  std::size_t max_;
  std::string buf_;
  std::size_t pos_ = 0;                     // next byte to scan
  std::size_t start_ = std::string::npos;   // first byte of the current value
  proto::JsonScanner scanner_;
};

}  // namespace rtk::core::admin
