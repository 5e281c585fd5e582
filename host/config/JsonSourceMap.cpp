#include "config/JsonSourceMap.hpp"

#include "ratatoskr/error.hpp"
#include "ratatoskr/json.hpp"

namespace rtk::host {

JsonSourceMap::Position JsonSourceMap::position(std::size_t offset) const {
  Position p;
  if (offset > text_.size()) offset = text_.size();
  for (std::size_t i = 0; i < offset; ++i) {
    if (text_[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

std::string JsonSourceMap::where(const std::string& origin, std::size_t offset) const {
  auto p = position(offset);
  return origin + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

void JsonSourceMap::skipSpace() {
  while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
    ++pos_;
}

bool JsonSourceMap::readString(std::string& out) {
  if (pos_ >= text_.size() || text_[pos_] != '"') return false;
  std::size_t start = pos_++;
  while (pos_ < text_.size() && text_[pos_] != '"') pos_ += text_[pos_] == '\\' ? 2 : 1;
  if (pos_ >= text_.size()) return false;
  ++pos_;
  try {
    out = json::Value::parse(text_.substr(start, pos_ - start)).asString();
  } catch (const Error&) {
    return false;  // Poco accepted it but we cannot decode it: stop indexing here
  }
  return true;
}

void JsonSourceMap::index() {
  pos_ = 0;
  skipSpace();
  walkValue("", 0);
}

bool JsonSourceMap::walkValue(const std::string& path, int depth) {
  if (depth > 256 || pos_ >= text_.size()) return false;
  values_[path] = pos_;
  char c = text_[pos_];
  if (c == '{') {
    ++pos_;
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return true;
    }
    std::map<std::string, bool> seen;
    for (;;) {
      skipSpace();
      std::size_t keyAt = pos_;
      std::string key;
      if (!readString(key)) return false;
      std::string child = member(path, key);
      if (seen.count(key)) {
        duplicates_.emplace_back(child, keyAt);
      } else {
        seen[key] = true;
        keys_[child] = keyAt;
      }
      skipSpace();
      if (pos_ >= text_.size() || text_[pos_] != ':') return false;
      ++pos_;
      skipSpace();
      // A duplicate's value position must not overwrite the first one's.
      auto firstValue = values_.find(child);
      std::optional<std::size_t> keep;
      if (firstValue != values_.end()) keep = firstValue->second;
      if (!walkValue(child, depth + 1)) return false;
      if (keep) values_[child] = *keep;
      skipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return true;
      }
      return false;
    }
  }
  if (c == '[') {
    ++pos_;
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return true;
    }
    for (std::size_t i = 0;; ++i) {
      skipSpace();
      if (!walkValue(element(path, i), depth + 1)) return false;
      skipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return false;
    }
  }
  if (c == '"') {
    std::string ignored;
    return readString(ignored);
  }
  // Literals and numbers: up to the next delimiter.
  while (pos_ < text_.size()) {
    char d = text_[pos_];
    if (d == ',' || d == '}' || d == ']' || d == ' ' || d == '\t' || d == '\n' || d == '\r') break;
    ++pos_;
  }
  return true;
}

std::optional<std::size_t> JsonSourceMap::keyOffset(const std::string& path) const {
  auto it = keys_.find(path);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> JsonSourceMap::bareText(const std::string& path) const {
  auto it = bare_.find(path);
  if (it == bare_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::size_t> JsonSourceMap::valueOffset(const std::string& path) const {
  auto it = values_.find(path);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

}  // namespace rtk::host
