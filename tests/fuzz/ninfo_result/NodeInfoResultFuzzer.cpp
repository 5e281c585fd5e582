// NodeInfo replies from remote nodes through ninfo's NodeInfoReader with the
// real catalog (rtk_sigil_core's built-in sigils) and one custom parser:
// any bytes are refused as too large (MessageTooLarge) or not a JSON object
// (Protocol), or read so that every part of the result comes from the input
// (extra and each sigil fragment hold input keys with the input's values),
// sigils appear only with a version, and the result survives its own JSON
// form (toJson / askResultFromJson).
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "ninfo/BuiltinSigilCatalog.hpp"
#include "ninfo/NodeInfoReader.hpp"
#include "ratatoskr/error.hpp"

namespace {

// A custom sigil "motd": a string "motd" key.
class MotdParser final : public rtk::ninfo::SigilParser {
 public:
  std::string name() const override { return "motd"; }
  std::optional<rtk::json::Value> parse(const rtk::json::Value& nodeInfo) const override {
    const auto* v = nodeInfo.find("motd");
    if (!v || !v->isString()) return std::nullopt;
    auto out = rtk::json::Value::object();
    out.set("motd", *v);
    return out;
  }
};

const rtk::ninfo::BuiltinSigilCatalog& catalog() {
  static const rtk::ninfo::BuiltinSigilCatalog c({std::make_shared<MotdParser>()});
  return c;
}

void requireFromInput(const rtk::json::Value& part, const rtk::json::Value& input) {
  for (std::size_t i = 0; i < part.size(); ++i) {
    const auto* original = input.find(part.keyAt(i));
    if (!original || !(*original == part.at(i))) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const rtk::PublicKey from{};
  rtk::ninfo::ParsedNodeInfo parsed;
  try {
    parsed = rtk::ninfo::NodeInfoReader(catalog()).read(text, from);
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::MessageTooLarge && e.code() != rtk::Errc::Protocol) std::abort();
    return 0;
  }
  if (size > rtk::ninfo::kMaxNodeInfoBytes) std::abort();
  const auto input = rtk::json::Value::parse(text);
  if (!parsed.extra.isObject() || !parsed.sigils.isObject()) std::abort();
  requireFromInput(parsed.extra, input);
  for (std::size_t i = 0; i < parsed.sigils.size(); ++i) {
    if (!parsed.sigils.at(i).isObject()) std::abort();
    requireFromInput(parsed.sigils.at(i), input);
  }
  if (parsed.version.empty() && !parsed.sigils.empty()) std::abort();
  if (parsed.extra.contains("buildname") || parsed.extra.contains("buildarch")) std::abort();

  rtk::ninfo::AskResult result;
  result.target = "fuzz";
  result.version = parsed.version;
  result.software = parsed.software;
  result.sigils = parsed.sigils;
  result.extra = parsed.extra;
  const auto back = rtk::ninfo::askResultFromJson(rtk::json::Value::parse(rtk::ninfo::toJson(result).dump()));
  if (!(back.sigils == result.sigils) || !(back.extra == result.extra) || back.software != result.software) std::abort();
  (void)rtk::ninfo::formatText(back);
  return 0;
}
