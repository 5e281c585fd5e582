#include "config/HjsonReader.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "ratatoskr/error.hpp"

namespace rtk::host {
namespace {

bool isHjsonSpace(char c) { return c > 0 && static_cast<unsigned char>(c) <= ' '; }
bool isPunctuator(char c) { return c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':'; }

std::string quotedChar(char c) {
  if (c == '\n') return "a newline";
  if (c == '\r') return "a carriage return";
  if (c == '\t') return "a tab";
  return std::string("'") + c + "'";
}

void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The offset of the first byte that is not well-formed UTF-8 (or is NUL), if any.
std::optional<std::size_t> firstBadByte(std::string_view t) {
  std::size_t i = 0;
  while (i < t.size()) {
    auto b = static_cast<unsigned char>(t[i]);
    if (b == 0) return i;
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t min = 0, cp = 0;
    if ((b & 0xE0) == 0xC0) len = 2, min = 0x80, cp = b & 0x1F;
    else if ((b & 0xF0) == 0xE0) len = 3, min = 0x800, cp = b & 0x0F;
    else if ((b & 0xF8) == 0xF0) len = 4, min = 0x10000, cp = b & 0x07;
    else return i;
    if (i + len > t.size()) return i;
    for (std::size_t k = 1; k < len; ++k) {
      auto c = static_cast<unsigned char>(t[i + k]);
      if ((c & 0xC0) != 0x80) return i;
      cp = cp << 6 | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::nullopt;
}

// A quoteless value that is a number by hjson's rule: -?digits, no leading
// zeros, optional .digits, optional exponent, nothing else; and finite.
std::optional<json::Value> hjsonNumber(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  std::size_t intStart = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  std::size_t intDigits = i - intStart;
  if (intDigits == 0 || (intDigits > 1 && s[intStart] == '0')) return std::nullopt;
  bool integral = true;
  if (i < s.size() && s[i] == '.') {
    integral = false;
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    integral = false;
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t expStart = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == expStart) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (integral) {
    if (s[0] == '-') {
      long long v = 0;
      if (auto r = std::from_chars(first, last, v); r.ec == std::errc() && r.ptr == last) return json::Value(v);
    } else {
      unsigned long long v = 0;
      if (auto r = std::from_chars(first, last, v); r.ec == std::errc() && r.ptr == last) return json::Value(v);
    }
  }
  // "1." is a number to hjson (as to Go's ParseFloat); from_chars wants a digit after the dot.
  std::string text(s);
  if (text.back() == '.') text += '0';
  if (auto dot = text.find(".e"); dot != std::string::npos) text.insert(dot + 1, "0");
  if (auto dot = text.find(".E"); dot != std::string::npos) text.insert(dot + 1, "0");
  double d = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), d);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(d)) return std::nullopt;
  return json::Value(d);
}

class HjsonParser {
 public:
  HjsonParser(std::string_view text, const std::string& origin, const JsonSourceMap& where)
      : t_(text), origin_(origin), where_(&where) {}

  json::Value document() {
    skipWhite();
    if (peek() == '{' || peek() == '[') {
      json::Value v = value("", 0);
      trailing();
      return v;
    }
    // Without braces the document is an object; failing that, one value
    // (which a conf then refuses); failing both, the object's error counts.
    std::size_t start = pos_;
    try {
      json::Value v = members("", 0, std::nullopt);
      trailing();
      return v;
    } catch (const Error& objectError) {
      HjsonParser single(t_, origin_, *where_);
      single.pos_ = start;
      json::Value v;
      try {
        v = single.value("", 0);
        single.trailing();
      } catch (const Error&) {
        throw objectError;
      }
      // A quoteless string swallows a broken first line whole: the object's
      // error says what is wrong, "the root is a string" would not.
      char first = t_[start];
      if (v.isString() && first != '"' && first != '\'') throw objectError;
      *this = std::move(single);
      return v;
    }
  }

  void commit(JsonSourceMap& map) const {
    for (const auto& [path, at] : keys_) map.recordKey(path, at);
    for (const auto& [path, at] : values_) map.recordValue(path, at);
    for (const auto& [path, text] : bare_) map.recordBareText(path, text);
  }

 private:
  char peek(std::size_t k = 0) const { return pos_ + k < t_.size() ? t_[pos_ + k] : '\0'; }
  bool atEnd() const { return pos_ >= t_.size(); }

  [[noreturn]] void fail(std::size_t at, const std::string& why) const {
    throw Error(Errc::Config, where_->where(origin_, at) + ": " + why);
  }
  std::string lineAndColumn(std::size_t at) const {
    auto p = where_->position(at);
    return "line " + std::to_string(p.line) + ", column " + std::to_string(p.column);
  }

  void skipWhite() {
    for (;;) {
      while (isHjsonSpace(peek())) ++pos_;
      if (peek() == '#' || (peek() == '/' && peek(1) == '/')) {
        while (!atEnd() && peek() != '\n') ++pos_;
      } else if (peek() == '/' && peek(1) == '*') {
        auto end = t_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) fail(pos_, "unterminated /* comment");
        pos_ = end + 2;
      } else {
        return;
      }
    }
  }

  void trailing() {
    skipWhite();
    if (!atEnd()) fail(pos_, "unexpected " + quotedChar(peek()) + " after the end of the document");
  }

  json::Value value(const std::string& path, std::size_t depth) {
    skipWhite();
    values_.emplace_back(path, pos_);
    if (atEnd()) fail(pos_, "unexpected end of file where a value was expected");
    char c = peek();
    if (c == '{' || c == '[') {
      if (depth >= HjsonReader::kMaxDepth)
        fail(pos_, "nested deeper than " + std::to_string(HjsonReader::kMaxDepth) + " objects and arrays");
      std::size_t open = pos_++;
      return c == '{' ? members(path, depth + 1, open) : elements(path, depth + 1, open);
    }
    if (c == '"') return json::Value(quoted());
    if (c == '\'') return json::Value(peek(1) == '\'' && peek(2) == '\'' ? multiline() : quoted());
    if (c == '}' && !openArrays_.empty()) {
      // Typically `[ a, b ]` on one line: the quoteless "a, b ]" ran to the line's end.
      fail(pos_, "found '}' but the array opened at " + lineAndColumn(openArrays_.back()) +
                     " is still open (a quoteless value runs to the end of its line: quote it, or one per line)");
    }
    if (isPunctuator(c)) fail(pos_, "expected a value, found " + quotedChar(c));
    return quoteless(path);
  }

  // An object's members; `open` is the offset of its '{', nullopt without braces.
  json::Value members(const std::string& path, std::size_t depth, std::optional<std::size_t> open) {
    // Values directly in this object are not in an array, whatever encloses it.
    std::vector<std::size_t> outerArrays;
    outerArrays.swap(openArrays_);
    json::Value out = membersIn(path, depth, open);
    openArrays_.swap(outerArrays);
    return out;
  }

  json::Value membersIn(const std::string& path, std::size_t depth, std::optional<std::size_t> open) {
    json::Value out = json::Value::object();
    std::map<std::string, std::size_t> seen;
    for (;;) {
      skipWhite();
      if (atEnd()) {
        if (!open) return out;
        fail(pos_, "unexpected end of file in the object opened at " + lineAndColumn(*open) + " (missing '}'?)");
      }
      if (open && peek() == '}') {
        ++pos_;
        return out;
      }
      std::size_t keyAt = pos_;
      std::string key = keyName();
      skipWhite();
      if (peek() != ':') {
        if (atEnd()) fail(pos_, "unexpected end of file after the key \"" + key + "\" (expected ':')");
        fail(pos_, "expected ':' after the key \"" + key + "\", found " + quotedChar(peek()));
      }
      ++pos_;
      std::string child = JsonSourceMap::member(path, key);
      if (auto first = seen.find(key); first != seen.end())
        fail(keyAt, "duplicate key \"" + child + "\" (first at " + lineAndColumn(first->second) + ")");
      seen.emplace(key, keyAt);
      keys_.emplace_back(child, keyAt);
      out.set(key, value(child, depth));
      skipWhite();
      if (peek() == ',') ++pos_;
    }
  }

  json::Value elements(const std::string& path, std::size_t depth, std::size_t open) {
    json::Value out = json::Value::array();
    for (std::size_t i = 0;; ++i) {
      skipWhite();
      if (atEnd()) fail(pos_, "unexpected end of file in the array opened at " + lineAndColumn(open) + " (missing ']'?)");
      if (peek() == ']') {
        ++pos_;
        return out;
      }
      openArrays_.push_back(open);
      out.push(value(JsonSourceMap::element(path, i), depth));
      openArrays_.pop_back();
      skipWhite();
      if (peek() == ',') ++pos_;
    }
  }

  std::string keyName() {
    if (peek() == '"' || peek() == '\'') return quoted();
    std::size_t start = pos_;
    std::optional<std::size_t> space;
    for (;; ++pos_) {
      char c = peek();
      if (c == ':') {
        if (pos_ == start) fail(pos_, "':' without a key name before it (write \"\" for an empty key)");
        return std::string(t_.substr(start, space.value_or(pos_) - start));
      }
      if (atEnd()) fail(pos_, "unexpected end of file in the key name \"" + std::string(t_.substr(start, pos_ - start)) + "\"");
      if (isHjsonSpace(c)) {
        if (!space) space = pos_;
        continue;
      }
      if (space) fail(*space, "a key name cannot contain whitespace; put it in quotes");
      if (isPunctuator(c)) {
        if (pos_ == start) fail(pos_, "expected a key name, found " + quotedChar(c));
        fail(pos_, "a key name cannot contain " + quotedChar(c) + "; put it in quotes");
      }
    }
  }

  // "..." or '...' with JSON's escapes and \'; pos_ is at the opening quote.
  std::string quoted() {
    std::size_t open = pos_;
    const char quote = t_[pos_++];
    std::string out;
    for (;;) {
      if (atEnd()) fail(open, "unterminated string");
      char c = t_[pos_];
      if (c == quote) {
        ++pos_;
        return out;
      }
      if (c == '\n' || c == '\r') fail(pos_, "a quoted string cannot span lines (use \\n, or a ''' string)");
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      char e = peek(1);
      pos_ += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\'': out += '\''; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': appendUtf8(out, unicodeEscape()); break;
        default:
          if (e == '\0' && pos_ > t_.size()) fail(open, "unterminated string");
          fail(pos_ - 2, "unknown escape \\" + std::string(1, e) + " in a string");
      }
    }
  }

  // After "\u": four hex digits, and a second \uXXXX when they are a high surrogate.
  std::uint32_t unicodeEscape() {
    auto hex4 = [&]() -> std::optional<std::uint32_t> {
      std::uint32_t v = 0;
      for (std::size_t k = 0; k < 4; ++k) {
        int n = rtk::detail::hexNibble(peek(k));
        if (n < 0) return std::nullopt;
        v = v << 4 | static_cast<std::uint32_t>(n);
      }
      return v;
    };
    auto unit = hex4();
    if (!unit) fail(pos_ - 2, "\\u must be followed by four hex digits");
    pos_ += 4;
    if (*unit >= 0xD800 && *unit <= 0xDBFF && peek() == '\\' && peek(1) == 'u') {
      pos_ += 2;
      auto low = hex4();
      if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
        pos_ += 4;
        return 0x10000 + ((*unit - 0xD800) << 10) + (*low - 0xDC00);
      }
      pos_ -= 2;  // not a pair: the next escape stands alone
    }
    if (*unit >= 0xD800 && *unit <= 0xDFFF) return 0xFFFD;
    return *unit;
  }

  // '''...''': the opening quotes' column is the indentation removed from
  // every line; a line break right after ''' and right before ''' is dropped.
  std::string multiline() {
    std::size_t open = pos_;
    std::size_t lineStart = pos_;
    while (lineStart > 0 && t_[lineStart - 1] != '\n') --lineStart;
    const std::size_t indent = pos_ - lineStart;
    pos_ += 3;
    auto skipIndent = [&] {
      for (std::size_t k = 0; k < indent && isHjsonSpace(peek()) && peek() != '\n'; ++k) ++pos_;
    };
    while (isHjsonSpace(peek()) && peek() != '\n') ++pos_;
    if (peek() == '\n') {
      ++pos_;
      skipIndent();
    }
    std::string out;
    bool lastWasNewline = false;
    std::size_t quotes = 0;
    for (;;) {
      if (atEnd()) fail(open, "unterminated ''' string");
      char c = t_[pos_];
      if (c == '\'') {
        ++pos_;
        if (++quotes == 3) {
          if (lastWasNewline) out.pop_back();
          return out;
        }
        continue;
      }
      if (quotes > 0) {
        out.append(quotes, '\'');
        quotes = 0;
        lastWasNewline = false;
      }
      ++pos_;
      if (c == '\n') {
        out += '\n';
        lastWasNewline = true;
        skipIndent();
      } else if (c != '\r') {
        out += c;
        lastWasNewline = false;
      }
    }
  }

  static std::string_view trimEnd(std::string_view s) {
    while (!s.empty() && isHjsonSpace(s.back())) s.remove_suffix(1);
    return s;
  }

  static std::optional<json::Value> literal(std::string_view s) {
    if (s.empty()) return std::nullopt;
    if (s == "true") return json::Value(true);
    if (s == "false") return json::Value(false);
    if (s == "null") return json::Value(nullptr);
    if (s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) return hjsonNumber(s);
    return std::nullopt;
  }

  // A value without quotes: true/false/null/a number when exactly that
  // comes before the end of the line, a comma, ] or } or a comment;
  // otherwise a string to the end of the line.
  json::Value quoteless(const std::string& path) {
    std::size_t start = pos_;
    for (std::size_t i = pos_ + 1;; ++i) {
      char c = i < t_.size() ? t_[i] : '\0';
      bool eol = i >= t_.size() || c == '\n' || c == '\r';
      bool stop = eol || c == ',' || c == '}' || c == ']' || c == '#' ||
                  (c == '/' && i + 1 < t_.size() && (t_[i + 1] == '/' || t_[i + 1] == '*'));
      if (!stop) continue;
      std::string_view text = trimEnd(t_.substr(start, i - start));
      if (auto v = literal(text)) {
        pos_ = i;
        bare_.emplace_back(path, std::string(text));
        return *v;
      }
      if (eol) {
        pos_ = i;
        return json::Value(std::string(text));
      }
    }
  }

  std::string_view t_;
  std::string origin_;
  const JsonSourceMap* where_;
  std::size_t pos_ = 0;
  std::vector<std::pair<std::string, std::size_t>> keys_;
  std::vector<std::pair<std::string, std::size_t>> values_;
  std::vector<std::pair<std::string, std::string>> bare_;
  std::vector<std::size_t> openArrays_;  // where the arrays around the current value opened
};

}  // namespace

json::Value HjsonReader::parse(std::string_view text, const std::string& origin, JsonSourceMap& map) {
  if (auto bad = firstBadByte(text)) {
    std::string what = text[*bad] == '\0' ? "a NUL byte" : "a byte that is not UTF-8";
    throw Error(Errc::Config, map.where(origin, *bad) + ": " + what + " (the conf file must be UTF-8 text)");
  }
  HjsonParser parser(text, origin, map);
  json::Value v = parser.document();
  parser.commit(map);
  return v;
}

}  // namespace rtk::host
