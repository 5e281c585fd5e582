#include "ChatCodec.hpp"

#include <ratatoskr/error.hpp>

namespace tinychat {

std::string encodeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == kEndOfText || c == kAllReceived || c == kEscape) out += kEscape;
    out += c;
  }
  return out;
}

void ChatDecoder::feed(std::string_view bytes, std::string& text) {
  for (char c : bytes) {
    if (!escaped_ && c == kAllReceived) {
      if (allReceived_) throw rtk::Error(rtk::Errc::Protocol, "the other side acknowledged our text twice");
      allReceived_ = true;
      continue;
    }
    if (endOfText_)
      throw rtk::Error(rtk::Errc::Protocol, "the other side sent more after the end of its text");
    if (escaped_) {
      escaped_ = false;
      text += c;
    } else if (c == kEscape) {
      escaped_ = true;
    } else if (c == kEndOfText) {
      endOfText_ = true;
    } else {
      text += c;
    }
  }
}

}  // namespace tinychat
