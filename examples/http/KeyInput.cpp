#include "KeyInput.hpp"

#include <algorithm>
#include <string>

#include "ratatoskr/error.hpp"
#include "ratatoskr/json.hpp"

namespace rtk::example {

namespace {

// Outside text in an error message: quoted, at most 80 characters.
std::string quotedParameter(std::string_view text) {
  if (text.size() <= 80) return "\"" + std::string(text) + "\"";
  return "\"" + std::string(text.substr(0, 80)) + "...\" (" + std::to_string(text.size()) + " characters)";
}

}  // namespace

std::vector<PublicKey> parsePeerList(std::string_view text, std::size_t maxKeys) {
  constexpr std::size_t kMaxBytes = 1024 * 1024;
  if (text.size() > kMaxBytes)
    throw Error(Errc::MessageTooLarge, "peers reply of " + std::to_string(text.size()) + " bytes, the limit is 1 MiB");
  const json::Value list = json::Value::parse(text, 4);
  if (!list.isArray()) throw Error(Errc::Protocol, std::string("peers reply is a JSON ") + list.typeName() + ", not a list");
  std::vector<PublicKey> keys;
  for (std::size_t i = 0; i < list.size() && keys.size() < maxKeys; ++i) {
    const json::Value& item = list.at(i);
    if (!item.isString() || item.asString().size() != 2 * PublicKey::size) continue;
    if (auto key = PublicKey::fromHex(item.asString())) keys.push_back(*key);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

PublicKey parseKeyParameter(std::string_view text, std::string_view name) {
  if (text.size() == 2 * PublicKey::size) {
    if (auto key = PublicKey::fromHex(text)) return *key;
  }
  throw Error(Errc::InvalidArgument, std::string(name) + ": expected a public key of 64 hex digits, got " +
                                         quotedParameter(text));
}

}  // namespace rtk::example
