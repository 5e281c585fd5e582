// JsonScanner — an incremental JSON syntax checker that finds where one value
// ends in a byte stream, the way Go's json.Decoder frames values.
//
// The admin socket reads requests from a stream with no length prefix: a
// request is one JSON value, and yggdrasilctl (like Go's json.Decoder on the
// node side) relies on the parser to find its end. The scanner is fed one
// byte at a time and reports a syntax error at the first byte that makes the
// input invalid, so a client sending garbage gets its error reply at once
// instead of waiting for a timeout. Each byte is looked at once: framing a
// request of n bytes costs O(n) however it is split across reads.
//
// Grammar: RFC 8259, as Go's encoding/json scanner accepts it (control
// characters are rejected inside strings; bytes >= 0x80 are not checked
// here — decoding replaces invalid UTF-8, see JsonValue). Nesting deeper
// than kMaxDepth is a syntax error (Go allows 10000; nothing legitimate comes
// close to our limit, and it bounds the recursion of JsonValue::parse).
//
// Thread-safety: a plain value; one scanner per stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace rtk::core::proto {

class JsonScanner {
 public:
  static constexpr std::size_t kMaxDepth = 512;

  enum class Step : std::uint8_t {
    Continue,   // byte consumed; no value finished yet (or only whitespace so far)
    End,        // this byte finished the value
    EndBefore,  // the value (a top-level number) ended just before this byte; the byte is not consumed
    Error,      // this byte is a syntax error; the scanner stays in error until reset()
  };

  // Feeds the next byte. After End or EndBefore, call reset() before the next value.
  Step feed(std::uint8_t c);
  // End of input: End when a top-level number was in progress (it is
  // complete), Continue when nothing but whitespace was fed, Error when a
  // value was cut short.
  Step finish();
  void reset();
  // A value has started (a non-whitespace byte was consumed).
  bool started() const { return started_; }

  // True when `text` is exactly one JSON value, optionally surrounded by
  // whitespace.
  static bool isValid(std::string_view text);
  static bool isSpace(std::uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

 private:
  enum class State : std::uint8_t {
    BeginValue,
    BeginValueOrEmpty,   // after '['
    BeginStringOrEmpty,  // after '{'
    BeginString,         // after ',' in an object
    EndValue,            // after a value inside a container
    InString,
    InStringEsc,
    InStringEscU,
    Neg,
    Zero,
    Digits,  // integer digits after 1-9
    Dot,
    DotDigits,
    Exp,
    ExpSign,
    ExpDigits,
    Literal,
    Done,
    Failed,
  };
  enum class Frame : std::uint8_t { ObjectKey, ObjectValue, ArrayValue };

  Step beginValue(std::uint8_t c);
  Step endValue(std::uint8_t c);  // c follows a finished value (or ends a number)
  Step valueDone();               // a string or literal just closed
  Step numberEnd(std::uint8_t c);
  Step fail() {
    state_ = State::Failed;
    return Step::Error;
  }
  Step push(Frame f, State next);

  State state_ = State::BeginValue;
  std::vector<Frame> stack_;
  const char* literal_ = nullptr;  // rest of "true" / "false" / "null"
  int hexLeft_ = 0;
  bool started_ = false;
};

}  // namespace rtk::core::proto
