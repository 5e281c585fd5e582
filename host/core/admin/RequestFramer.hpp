// RequestFramer — splits the byte stream of an admin connection into
// requests, one JSON value each, as the real node's json.Decoder does: no
// length prefix, no separator needed ("{…}{…}" is two requests), whitespace
// between values ignored.
//
// This is framing only, not parsing: Poco's parser needs the whole value and
// rejects anything after it, so the framer finds where a value ends and
// AdminDispatcher hands exactly that text to Poco::JSON, which decides
// whether it is valid. The framer tracks strings (with their escapes) and
// the nesting of {} and [] — brackets of either kind count alike, a mismatch
// is left for the parser to report. A top-level string ends at its closing
// quote; any other top-level scalar (a number, true, null) ends at the next
// whitespace or structural byte, or at end of input.
//
// Input is answered without waiting where that is certain: a value cannot
// start with the first byte seen (e.g. "garbage") → Invalid at once. A
// container that never closes is bounded by maxRequestBytes (TooLarge) and
// by the server's idle timeout. Each byte is looked at once however the
// stream is split, so framing costs O(n).
//
// Thread-safety: a plain value, one per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rtk::core::admin {

class RequestFramer {
 public:
  enum class Status {
    Request,   // `request` holds the next complete value (not yet validated)
    NeedMore,  // no complete value buffered
    Invalid,   // the stream cannot hold a JSON value here: answer "Failed to find request" and close
    TooLarge,  // the value being read exceeds maxRequestBytes
  };

  // Deeper nesting is Invalid (Poco's parser stops at 128 levels too).
  static constexpr std::size_t kMaxDepth = 128;

  explicit RequestFramer(std::size_t maxRequestBytes) : max_(maxRequestBytes) {}

  void append(std::string_view bytes) { buf_.append(bytes); }
  // The next buffered request, if complete.
  Status next(std::string& request);
  // End of input: a final top-level scalar completes (Request); nothing but
  // whitespace left is NeedMore; a string or container cut short is Invalid.
  Status finish(std::string& request);
  // Bytes of the value currently being read (0 between values).
  std::size_t pendingBytes() const { return start_ == std::string::npos ? 0 : buf_.size() - start_; }

 private:
  enum class Mode : std::uint8_t { Between, Container, TopString, TopScalar };
  static bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  Status emit(std::size_t end, std::string& request);

  std::size_t max_;
  std::string buf_;
  std::size_t pos_ = 0;                    // next byte to look at
  std::size_t start_ = std::string::npos;  // first byte of the current value
  Mode mode_ = Mode::Between;
  std::size_t depth_ = 0;
  bool inString_ = false, escaped_ = false;
};

}  // namespace rtk::core::admin
