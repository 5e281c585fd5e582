#include "PeerKeysReply.hpp"

#include <algorithm>
#include <string>

#include "ProbeTypes.hpp"
#include "ratatoskr/address.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/json.hpp"

namespace rtk::probe {

PeerKeys parsePeerKeys(std::string_view text) {
  if (text.size() > kMaxReplyBytes) {
    throw Error(Errc::MessageTooLarge, "probe: remote reply of " + std::to_string(text.size()) +
                                           " bytes, the limit is " + std::to_string(kMaxReplyBytes));
  }
  json::Value list;
  try {
    list = json::Value::parse(text);
  } catch (const Error& e) {
    throw Error(Errc::Protocol, std::string("probe: remote reply is not JSON: ") + e.what());
  }
  if (!list.isArray()) throw Error(Errc::Protocol, "probe: remote reply is not a list of keys");
  PeerKeys out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json::Value& item = list.at(i);
    std::optional<PublicKey> key;
    if (item.isString() && item.asString().size() == 2 * PublicKey::size) key = PublicKey::fromHex(item.asString());
    if (!key) {
      ++out.skipped;
    } else if (out.keys.size() >= kMaxKeysPerReply) {
      ++out.dropped;
    } else {
      out.keys.push_back(*key);
    }
  }
  std::sort(out.keys.begin(), out.keys.end());
  out.keys.erase(std::unique(out.keys.begin(), out.keys.end()), out.keys.end());
  return out;
}

PublicKey parseKeyArgument(std::string_view text, std::string_view what) {
  if (text.size() == 2 * PublicKey::size) {
    if (auto key = PublicKey::fromHex(text)) return *key;
  } else if (address::isPkYggName(text)) {
    return address::keyFromPkYggName(text);
  }
  throw Error(Errc::InvalidArgument, "probe: " + std::string(what) + ": expected a key (64 hex digits) or <key>.pk.ygg, got \"" +
                                         std::string(text.substr(0, 100)) + "\"");
}

}  // namespace rtk::probe
