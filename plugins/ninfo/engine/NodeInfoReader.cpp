#include "NodeInfoReader.hpp"

#include <array>

#include "AskErrors.hpp"

namespace rtk::ninfo {

namespace {

constexpr std::string_view kMetadataKey = "ratatoskr";
constexpr std::array<std::string_view, 4> kBuildKeys = {"buildname", "buildversion", "buildplatform", "buildarch"};

// The software keys out of `extra`: read as strings, then removed.
std::optional<Software> takeSoftware(json::Value& extra) {
  std::array<std::string, 4> values;
  bool any = false;
  for (std::size_t i = 0; i < kBuildKeys.size(); ++i) {
    if (const auto* v = extra.find(kBuildKeys[i]); v && v->isString()) {
      values[i] = v->asString();
      any = any || !values[i].empty();
    }
    extra.erase(kBuildKeys[i]);
  }
  if (!any) return std::nullopt;
  return Software{values[0], values[1], values[2], values[3]};
}

std::optional<json::Value> tryParse(const SigilParser& parser, const json::Value& nodeInfo) {
  try {
    auto fragment = parser.parse(nodeInfo);
    if (fragment && fragment->isObject()) return fragment;
  } catch (const std::exception&) {
    // A parser that throws on foreign data has found no valid fragment.
  }
  return std::nullopt;
}

}  // namespace

ParsedNodeInfo NodeInfoReader::read(std::string_view text, const PublicKey& from) const {
  if (text.size() > kMaxNodeInfoBytes) throw errors::tooLarge(from, text.size(), kMaxNodeInfoBytes);
  json::Value nodeInfo;
  try {
    nodeInfo = json::Value::parse(text);
  } catch (const Error& e) {
    throw errors::notJson(from, e.what());
  }
  if (!nodeInfo.isObject()) throw errors::notJson(from, std::string("got ") + nodeInfo.typeName());

  ParsedNodeInfo out;
  out.extra = nodeInfo;
  out.software = takeSoftware(out.extra);

  const json::Value* metadata = nodeInfo.find(kMetadataKey);
  if (!metadata || !metadata->isString()) return out;
  std::string why;
  auto declared = catalog_.readMetadata(metadata->asString(), &why);
  if (!declared) return out;
  out.version = declared->version;
  out.extra.erase(kMetadataKey);

  for (const auto& name : declared->names) {
    const SigilParser* parser = catalog_.parserFor(name);
    if (!parser) continue;
    auto fragment = tryParse(*parser, nodeInfo);
    if (!fragment) continue;
    for (const auto& key : fragment->keys()) out.extra.erase(key);
    out.sigils.set(name, std::move(*fragment));
  }
  return out;
}

}  // namespace rtk::ninfo
