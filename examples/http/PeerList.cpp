#include "PeerList.hpp"

#include <algorithm>
#include <string>

#include "ratatoskr/error.hpp"
#include "ratatoskr/json.hpp"

namespace rtk::example {

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

}  // namespace rtk::example
