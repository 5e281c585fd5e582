// Any bytes as a remote peers reply and as a probe result: parsePeerKeys
// refuses (Protocol, MessageTooLarge) or keeps at most 1024 sorted, unique
// keys; the result readers refuse (Protocol, or the JSON parser's error) or
// give a result that survives its own JSON form, and whose text and DOT
// forms can be written.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "probe/PeerKeysReply.hpp"
#include "probe/ProbeJson.hpp"
#include "ratatoskr/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto keys = rtk::probe::parsePeerKeys(text);
    if (keys.keys.size() > rtk::probe::kMaxKeysPerReply) std::abort();
    for (std::size_t i = 1; i < keys.keys.size(); ++i)
      if (!(keys.keys[i - 1] < keys.keys[i])) std::abort();
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Protocol && e.code() != rtk::Errc::MessageTooLarge) std::abort();
  }
  rtk::json::Value value;
  try {
    value = rtk::json::Value::parse(text);
  } catch (const rtk::Error&) {
    return 0;
  }
  try {
    auto crawl = rtk::probe::crawlFromJson(value);
    const std::string once = rtk::probe::toJson(crawl).dump();
    if (rtk::probe::toJson(rtk::probe::crawlFromJson(rtk::json::Value::parse(once))).dump() != once) std::abort();
    (void)rtk::probe::formatText(crawl);
    (void)rtk::probe::toDot(crawl);
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Protocol) std::abort();
  }
  try {
    auto traced = rtk::probe::traceFromJson(value);
    const std::string once = rtk::probe::toJson(traced).dump();
    if (rtk::probe::toJson(rtk::probe::traceFromJson(rtk::json::Value::parse(once))).dump() != once) std::abort();
    (void)rtk::probe::formatText(traced);
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Protocol) std::abort();
  }
  return 0;
}
