// rtk::host::JsonSourceMap — where things are in a JSON text.
//
// Poco's JSON parser keeps no positions, so after it has accepted a text
// this walks the same text once and records, for every object member and
// array element, the byte offset of its key and of its value, by path:
//   "Peers", "Peers[1]", "MulticastInterfaces[0].Regex", "Modules.status".
// It also records duplicate keys (Poco keeps the last silently) and turns
// offsets into "file:line:column" (1-based; columns count bytes).
//
// index() expects JSON the parser accepted; on anything unexpected it stops
// and keeps what it found (lookups then return nullopt). A reader that knows
// positions itself (HjsonReader) records them instead of calling index().
// Thread-safety: immutable after index().
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rtk::host {

class JsonSourceMap {
 public:
  explicit JsonSourceMap(std::string_view text) : text_(text) {}

  struct Position {
    std::size_t line = 1;
    std::size_t column = 1;
  };
  Position position(std::size_t offset) const;
  // "<origin>:<line>:<column>"
  std::string where(const std::string& origin, std::size_t offset) const;

  void index();
  std::optional<std::size_t> keyOffset(const std::string& path) const;
  std::optional<std::size_t> valueOffset(const std::string& path) const;
  // Later occurrences of a key already seen in the same object: (path, key offset).
  const std::vector<std::pair<std::string, std::size_t>>& duplicates() const { return duplicates_; }

  void recordKey(const std::string& path, std::size_t offset) { keys_.emplace(path, offset); }
  void recordValue(const std::string& path, std::size_t offset) { values_.emplace(path, offset); }
  void recordDuplicate(const std::string& path, std::size_t offset) { duplicates_.emplace_back(path, offset); }
  // HJSON only: the text of a quoteless value that was read as a number,
  // true, false or null (see HjsonReader); nullopt for everything else.
  void recordBareText(const std::string& path, std::string text) { bare_.emplace(path, std::move(text)); }
  std::optional<std::string> bareText(const std::string& path) const;

  static std::string member(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
  }
  static std::string element(const std::string& parent, std::size_t i) { return parent + "[" + std::to_string(i) + "]"; }

 private:
  bool walkValue(const std::string& path, int depth);
  bool readString(std::string& out);
  void skipSpace();

  std::string_view text_;
  std::size_t pos_ = 0;
  std::map<std::string, std::size_t> keys_;
  std::map<std::string, std::size_t> values_;
  std::vector<std::pair<std::string, std::size_t>> duplicates_;
  std::map<std::string, std::string> bare_;
};

}  // namespace rtk::host
