// rtk::host::CommentStripper — turns the conf file's "JSON with comments"
// into plain JSON without moving a byte.
//
// Recognised outside strings: // to end of line, # to end of line, and
// /* ... */ (may span lines). Each comment byte becomes a space; newlines are
// kept, so every remaining byte has the offset, line and column it had in
// the file, and error positions from the JSON parser point into the file.
//
// Errors: rtk::Error(Errc::Config) "<origin>:<line>:<col>: unterminated /*
// comment" (the position of the opening "/*"). Anything else malformed is
// left for the JSON parser. Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

namespace rtk::host {

class CommentStripper {
 public:
  static std::string strip(std::string_view text, const std::string& origin);
};

}  // namespace rtk::host
