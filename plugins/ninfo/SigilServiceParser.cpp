#include "SigilServiceParser.hpp"

#include "ratatoskr/abi.hpp"

namespace rtk::plugins::ninfo {

SigilServiceParser::SigilServiceParser(const rtk_sigil_service& table, std::string provider)
    : table_(table), name_(table.name ? table.name : ""), provider_(std::move(provider)) {
  if (table.struct_size < RTK_SIGIL_SERVICE_SIZE_1_0 || !table.match || !table.parse) {
    throw Error(Errc::Abi, "sigil service of \"" + provider_ + "\" has no match/parse functions");
  }
  for (auto* key = table.keys; key && *key; ++key) owned_.insert(*key);
}

std::optional<json::Value> SigilServiceParser::parse(const json::Value& nodeInfo) const {
  const std::string text = nodeInfo.dump();
  if (table_.match(table_.ctx, sdk::toStr(text)) != 1) return std::nullopt;
  sdk::StringSink fragment, error;
  if (table_.parse(table_.ctx, sdk::toStr(text), fragment.get(), error.get()) != RTK_OK) return std::nullopt;
  auto value = json::Value::parse(fragment.str());
  if (!value.isObject()) return std::nullopt;
  auto owned = json::Value::object();
  for (std::size_t i = 0; i < value.size(); ++i)
    if (owned_.count(value.keyAt(i))) owned.set(value.keyAt(i), value.at(i));
  return owned;
}

}  // namespace rtk::plugins::ninfo
