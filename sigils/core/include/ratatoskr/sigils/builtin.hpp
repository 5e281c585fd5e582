#pragma once
// The built-in sigils' rules (info, public, inet, services) and the
// "ratatoskr" metadata key, as one small static library (rtk_sigil_core).
// Linked into each built-in sigil plugin (which publishes a fragment) and
// into ninfo (which must read built-in sigils of other nodes even when no
// sigil plugin is enabled here). No node, no threads, no I/O.
//
// CONTRACT between sigils/ and plugins/ninfo: names and signatures below
// may gain siblings, never change.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/json.hpp"

namespace rtk::sigils {

inline constexpr std::string_view kMetadataKey = "ratatoskr";
inline constexpr std::size_t kMaxSigils = 64;

// ^[a-z0-9._-]{3,32}$
bool isValidSigilName(std::string_view name);

class BuiltinSigil {
 public:
  virtual ~BuiltinSigil() = default;
  virtual std::string_view name() const = 0;
  // The top-level NodeInfo keys this sigil owns.
  virtual const std::vector<std::string>& keys() const = 0;
  // This node's fragment from the plugin's settings object (Modules.<plugin>).
  // Throws rtk::Error (Errc::Config) naming the setting and the rule broken.
  virtual json::Value fragmentFromSettings(const json::Value& settings) const = 0;
  // The fragment (owned keys only) of a foreign NodeInfo object when the
  // whole owned part is valid; std::nullopt with *why set otherwise.
  virtual std::optional<json::Value> parse(const json::Value& nodeInfo, std::string* why) const = 0;
};

// info, inet, public, services (sorted by name); never null entries.
const std::vector<const BuiltinSigil*>& builtinSigils();
// nullptr when `name` is not a built-in sigil.
const BuiltinSigil* findBuiltin(std::string_view name);

struct Metadata {
  std::vector<std::string> names;  // sorted, unique, each valid
  std::string version;             // e.g. "v0.1.0"
};
// Reads a "ratatoskr" value: "[a,b] v1.1.0" (rules: sigils/core/README.md).
std::optional<Metadata> parseMetadata(std::string_view value, std::string* why);
// "[a,b] <version>": names sorted and de-duplicated, joined without spaces.
std::string formatMetadata(std::vector<std::string> names, std::string_view version);

}  // namespace rtk::sigils
