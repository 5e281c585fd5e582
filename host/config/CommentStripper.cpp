#include "config/CommentStripper.hpp"

#include "config/JsonSourceMap.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::host {

std::string CommentStripper::strip(std::string_view text, const std::string& origin) {
  std::string out(text);
  std::size_t i = 0;
  const std::size_t n = out.size();
  auto blank = [&](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to; ++k)
      if (out[k] != '\n' && out[k] != '\r') out[k] = ' ';
  };
  while (i < n) {
    char c = out[i];
    if (c == '"') {
      // Skip the string, honouring escapes; an unterminated one is the parser's to report.
      ++i;
      while (i < n && out[i] != '"' && out[i] != '\n') i += (out[i] == '\\' && i + 1 < n) ? 2 : 1;
      if (i < n && out[i] == '"') ++i;
      continue;
    }
    if (c == '#' || (c == '/' && i + 1 < n && out[i + 1] == '/')) {
      std::size_t end = out.find('\n', i);
      if (end == std::string::npos) end = n;
      blank(i, end);
      i = end;
      continue;
    }
    if (c == '/' && i + 1 < n && out[i + 1] == '*') {
      std::size_t end = out.find("*/", i + 2);
      if (end == std::string::npos) {
        throw Error(Errc::Config, JsonSourceMap(text).where(origin, i) + ": unterminated /* comment");
      }
      blank(i, end + 2);
      i = end + 2;
      continue;
    }
    ++i;
  }
  return out;
}

}  // namespace rtk::host
