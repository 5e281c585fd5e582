#include "core/admin/RequestFramer.hpp"

namespace rtk::core::admin {

using proto::JsonScanner;

RequestFramer::Status RequestFramer::next(std::string& request) {
  if (start_ == std::string::npos) {
    while (pos_ < buf_.size() && JsonScanner::isSpace(static_cast<std::uint8_t>(buf_[pos_]))) ++pos_;
    if (pos_ == buf_.size()) {
      buf_.clear();
      pos_ = 0;
      return Status::NeedMore;
    }
    start_ = pos_;
  }
  for (; pos_ < buf_.size(); ++pos_) {
    auto step = scanner_.feed(static_cast<std::uint8_t>(buf_[pos_]));
    if (step == JsonScanner::Step::Continue) continue;
    if (step == JsonScanner::Step::Error) return Status::Invalid;
    const std::size_t end = step == JsonScanner::Step::End ? pos_ + 1 : pos_;
    request.assign(buf_, start_, end - start_);
    pos_ = end;
    start_ = std::string::npos;
    scanner_.reset();
    // Drop what was consumed once it is most of the buffer: pipelined
    // requests cost O(n) in total, not O(n) each.
    if (pos_ > buf_.size() / 2) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    return Status::Request;
  }
  return pendingBytes() > max_ ? Status::TooLarge : Status::NeedMore;
}

RequestFramer::Status RequestFramer::finish(std::string& request) {
  if (start_ == std::string::npos) return Status::NeedMore;
  if (scanner_.finish() != JsonScanner::Step::End) return Status::Invalid;
  request.assign(buf_, start_, std::string::npos);
  buf_.clear();
  pos_ = 0;
  start_ = std::string::npos;
  scanner_.reset();
  return Status::Request;
}

}  // namespace rtk::core::admin
