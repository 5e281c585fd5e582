#include "core/admin/RequestFramer.hpp"

#include <cstring>

namespace rtk::core::admin {

namespace {
// Bytes that may start a JSON value.
bool canStartValue(char c) { return std::strchr("{[\"-0123456789tfn", c) != nullptr && c != '\0'; }
// Bytes that end a top-level number or literal.
bool endsScalar(char c) { return std::strchr(" \t\r\n{}[],:\"", c) != nullptr && c != '\0'; }
}  // namespace

RequestFramer::Status RequestFramer::emit(std::size_t end, std::string& request) {
  request.assign(buf_, start_, end - start_);
  pos_ = end;
  start_ = std::string::npos;
  mode_ = Mode::Between;
  depth_ = 0;
  inString_ = escaped_ = false;
  // Drop what was consumed once it is most of the buffer: pipelined
  // requests cost O(n) in total, not O(n) each.
  if (pos_ > buf_.size() / 2) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  return Status::Request;
}

RequestFramer::Status RequestFramer::next(std::string& request) {
  for (; pos_ < buf_.size(); ++pos_) {
    const char c = buf_[pos_];
    switch (mode_) {
      case Mode::Between:
        if (isSpace(c)) continue;
        if (!canStartValue(c)) return Status::Invalid;
        start_ = pos_;
        if (c == '{' || c == '[') {
          mode_ = Mode::Container;
          depth_ = 1;
        } else if (c == '"') {
          mode_ = Mode::TopString;
          inString_ = true;
        } else {
          mode_ = Mode::TopScalar;
        }
        continue;
      case Mode::TopScalar:
        if (endsScalar(c)) return emit(pos_, request);
        continue;
      case Mode::TopString:
      case Mode::Container:
        if (inString_) {
          if (escaped_) {
            escaped_ = false;
          } else if (c == '\\') {
            escaped_ = true;
          } else if (c == '"') {
            inString_ = false;
            if (mode_ == Mode::TopString) return emit(pos_ + 1, request);
          }
          continue;
        }
        if (c == '"') {
          inString_ = true;
        } else if (c == '{' || c == '[') {
          if (++depth_ > kMaxDepth) return Status::Invalid;
        } else if (c == '}' || c == ']') {
          if (--depth_ == 0) return emit(pos_ + 1, request);
        }
        continue;
    }
  }
  if (start_ == std::string::npos) {
    buf_.clear();
    pos_ = 0;
    return Status::NeedMore;
  }
  return pendingBytes() > max_ ? Status::TooLarge : Status::NeedMore;
}

RequestFramer::Status RequestFramer::finish(std::string& request) {
  if (start_ == std::string::npos) return Status::NeedMore;
  if (mode_ != Mode::TopScalar) return Status::Invalid;
  return emit(buf_.size(), request);
}

}  // namespace rtk::core::admin
