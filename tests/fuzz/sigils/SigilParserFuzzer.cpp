// A foreign NodeInfo (any bytes, read as JSON the way ninfo reads a reply)
// through one built-in sigil's parser, RTK_FUZZ_SIGIL. parse() must never
// throw; what it accepts holds only the sigil's keys and reads back as
// itself (parsing is a projection), and a fragment published from it would
// be refused by nobody (the same parser accepts it inside other keys).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ratatoskr/error.hpp"
#include "ratatoskr/json.hpp"
#include "ratatoskr/sigils/builtin.hpp"

using namespace rtk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const sigils::BuiltinSigil* sigil = sigils::findBuiltin(RTK_FUZZ_SIGIL);
  if (!sigil) std::abort();
  json::Value nodeInfo;
  try {
    nodeInfo = json::Value::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const Error&) {
    return 0;
  }
  std::string why;
  auto fragment = sigil->parse(nodeInfo, &why);
  if (!fragment) {
    if (why.empty()) std::abort();  // a refusal always says why
    return 0;
  }
  if (!fragment->isObject() || fragment->empty()) std::abort();
  for (const auto& key : fragment->keys()) {
    const auto& owned = sigil->keys();
    if (std::find(owned.begin(), owned.end(), key) == owned.end()) std::abort();
  }
  auto again = sigil->parse(*fragment, &why);
  if (!again || again->dump() != fragment->dump()) std::abort();
  // Surrounded by unrelated keys it still parses to the same fragment.
  json::Value mixed = *fragment;
  mixed.set("buildname", "fuzz");
  mixed.set(std::string(sigils::kMetadataKey), "[x] v0");
  auto inMixed = sigil->parse(mixed, nullptr);
  if (!inMixed || inMixed->dump() != fragment->dump()) std::abort();
  return 0;
}
