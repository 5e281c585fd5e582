// The "ratatoskr" metadata key: "[name1,name2] <version>" (Go's
// sigil_core.ParseInfo / CompileInfoNames).
#include <algorithm>

#include "Builtins.hpp"
#include "Text.hpp"

namespace rtk::sigils {
namespace {

constexpr std::size_t kMaxMetadataVersionLength = 64;

std::optional<Metadata> metadataProblem(std::string* why, std::string problem) {
  if (why) *why = "ratatoskr metadata: " + std::move(problem);
  return std::nullopt;
}

}  // namespace

std::optional<Metadata> parseMetadata(std::string_view value, std::string* why) {
  // The first '[' and the first ']' anywhere: "]x[a] v1" has no valid pair.
  auto open = value.find('[');
  auto close = value.find(']');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return metadataProblem(why, "no \"[sigil names]\" in " + text::quoted(value));

  Metadata out;
  std::string_view version = text::trimSpace(value.substr(close + 1));
  if (version.empty()) return metadataProblem(why, "no version after the sigil names in " + text::quoted(value));
  std::size_t runes = 0;
  for (char c : version)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++runes;
  if (runes > kMaxMetadataVersionLength)
    return metadataProblem(why, "the version is " + std::to_string(runes) + " characters long, at most " +
                                    std::to_string(kMaxMetadataVersionLength));
  for (char c : version) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b > 0x7e) return metadataProblem(why, "the version " + text::quoted(version) + " is not printable ASCII");
  }
  out.version = std::string(version);

  std::string_view body = value.substr(open + 1, close - open - 1);
  while (true) {
    auto comma = body.find(',');
    std::string_view name = text::trimSpace(body.substr(0, comma));
    if (!name.empty()) {
      if (!isValidSigilName(name))
        return metadataProblem(why, "sigil name " + text::quoted(name) + " does not match ^[a-z0-9._-]{3,32}$");
      if (std::find(out.names.begin(), out.names.end(), name) == out.names.end()) {
        if (out.names.size() >= kMaxSigils)
          return metadataProblem(why, "more than " + std::to_string(kMaxSigils) + " sigil names");
        out.names.emplace_back(name);
      }
    }
    if (comma == std::string_view::npos) break;
    body.remove_prefix(comma + 1);
  }
  std::sort(out.names.begin(), out.names.end());
  return out;
}

std::string formatMetadata(std::vector<std::string> names, std::string_view version) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? "," : "") + names[i];
  out += "] ";
  out += version;
  return out;
}

}  // namespace rtk::sigils
